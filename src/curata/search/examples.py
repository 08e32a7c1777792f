"""The search specification's six example requests, as the JSON it gives them.

One definition for everything that shows or runs them: the tests (on catalogs built
with known answers), the benchmark, and the documentation of the transports.
"""

from __future__ import annotations

from typing import Any

SPEC_EXAMPLES: dict[str, dict[str, Any]] = {
    "high-quality portraits": {
        "filters": {"media_type": "image", "tags": ["portrait"], "quality_rating": {"min": 4}},
        "sort_by": "quality_rating",
        "order": "desc",
        "limit": 20,
    },
    "recent cyberpunk, no nsfw": {
        "filters": {
            "media_type": "image",
            "tags": ["cyberpunk"],
            "exclude_tags": ["nsfw", "explicit"],
            "date_range": {"start": "2024-05-01"},
        },
        "sort_by": "created_date",
        "order": "desc",
    },
    "generation parameters": {
        "filters": {
            "ai_source": ["stable-diffusion"],
            "has_metadata": ["prompt", "seed", "cfg_scale"],
            "prompt_keywords": ["fantasy", "dragon"],
        }
    },
    "multi-tag": {
        "filters": {
            "media_type": "image",
            "tags": ["character", "fantasy"],
            "any_tags": ["elf", "wizard", "warrior"],
            "exclude_tags": ["sketch", "wip"],
            "quality_rating": {"min": 3},
            "dimensions": {"width": {"min": 1024}, "aspect_ratio": {"min": 0.8, "max": 1.2}},
        }
    },
    "tag:value pairs": {
        "filters": {
            "media_type": "image",
            "tag_values": {
                "subject": "portrait",
                "style": ["cyberpunk", "noir"],
                "lighting": "neon",
                "mood": "mysterious",
            },
            "tag_ranges": {"character_count": {"min": 1, "max": 3}},
            "quality_rating": {"min": 4},
        }
    },
    "advanced tag:value": {
        "filters": {
            "media_type": "image",
            "tag_values": {
                "environment": "urban",
                "time_of_day": ["night", "twilight"],
                "weather": "rain",
            },
            "tag_patterns": {"color_palette": ".*blue.*"},
            "exclude_tags": ["wip", "test"],
        }
    },
}
