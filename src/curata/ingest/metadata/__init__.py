"""Generation metadata: pure parsers over a file's raw metadata blocks.

One module per generator (``automatic1111``, ``comfyui``, ``invokeai``, ``novelai``,
``fooocus``), hosted services (``services``, ``c2pa``), ``xmp``, JSON sidecars and
file-name conventions; :func:`parse_metadata` runs them all and returns one
:class:`ParsedMetadata`. Nothing here reads files or raises for bad data.
"""

from curata.ingest.metadata.dispatch import derived_tags, parse_metadata
from curata.ingest.metadata.result import AI_SOURCES, MetadataError, ParsedMetadata

__all__ = ["AI_SOURCES", "MetadataError", "ParsedMetadata", "derived_tags", "parse_metadata"]
