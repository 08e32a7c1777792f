"""A real HTTP server on loopback that answers like the artwork providers' APIs.

The JSON bodies follow the shapes the providers document (TMDB v3 ``/movie/{id}/images``,
fanart.tv v3, TheTVDB v4 login + artworks, TheAudioDB v1, the Cover Art Archive's
``/release-group/{mbid}``); image URLs point back at
this server, which renders real JPEG/PNG files of the size named in the file name
(``poster-1000x1426.jpg``). Tests can script failures per path (status codes,
``Retry-After``, delays) and read the requests it received.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image

TMDB_KEY = "tmdb-test-key"
FANART_KEY = "fanart-test-key"
TVDB_KEY = "tvdb-test-key"
TVDB_TOKEN = "eyJhbGciOi.test.token"
AUDIODB_KEY = "2"
CAA_RELEASE_GROUP = "1b022e01-4da6-387b-8658-8678046e4cef"
CAA_RELEASE = "76df3287-6cda-33eb-8e9a-044b5e15ffdd"

BAD_KEY = "Invalid API key: You must be granted a valid key."
MISSING = "The resource you requested could not be found."
_SIZE = re.compile(r"-(\d+)x(\d+)\.(jpg|png)$")


@dataclass
class Scripted:
    """Answers to hand out, in order, before the normal one (status, headers, delay)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class ProviderServer:
    def __init__(self) -> None:
        self.scripts: dict[str, list[Scripted]] = {}
        self.requests: list[Seen] = []
        self.broken_images: set[str] = set()
        self.routes: dict[str, Any] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *answers: Scripted) -> None:
        self.scripts.setdefault(path, []).extend(answers)

    def script_json(self, path: str, body: Any) -> None:
        """Answer ``path`` with ``body`` (200) from now on (a plugin's endpoint)."""
        self.routes[path] = body

    def hits(self, prefix: str) -> list[Seen]:
        return [r for r in self.requests if r.path.startswith(prefix)]

    def start(self) -> ProviderServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- documented response shapes ----------------------------------------------

    def tmdb_images(self) -> dict[str, Any]:
        def entry(name: str, w: int, h: int, lang: str | None, votes: int, avg: float) -> dict:
            return {
                "aspect_ratio": round(w / h, 3),
                "height": h,
                "iso_639_1": lang,
                "file_path": f"/{name}-{w}x{h}.{'png' if name.startswith('logo') else 'jpg'}",
                "vote_average": avg,
                "vote_count": votes,
                "width": w,
            }

        return {
            "id": 550,
            "backdrops": [
                entry("backdrop-text", 1920, 1080, "en", 30, 5.3),
                entry("backdrop-clean", 3840, 2160, None, 12, 5.45),
            ],
            "logos": [entry("logo-en", 1000, 400, "en", 3, 5.3)],
            "posters": [
                entry("poster1", 2000, 3000, "en", 42, 5.5),
                entry("poster2", 1000, 1500, "en", 15, 5.1),
                entry("poster-de", 1000, 1500, "de", 8, 5.0),
                entry("poster-clean", 1000, 1500, None, 2, 5.0),
            ],
        }

    def fanart_movie(self) -> dict[str, Any]:
        art = f"{self.base}/fanart"
        return {
            "name": "Fight Club",
            "tmdb_id": "550",
            "imdb_id": "tt0137523",
            "movieposter": [
                {"id": "101", "url": f"{art}/poster-1000x1426.jpg", "lang": "en", "likes": "125"}
            ],
            "moviebackground": [
                {"id": "102", "url": f"{art}/background-1920x1080.jpg", "lang": "", "likes": "4"}
            ],
            "hdmovielogo": [
                {"id": "103", "url": f"{art}/hdlogo-800x310.png", "lang": "en", "likes": "7"},
                {"id": "104", "url": f"{art}/hdlogo-de-800x310.png", "lang": "de", "likes": "2"},
            ],
            "hdmovieclearart": [
                {"id": "105", "url": f"{art}/clearart-1000x562.png", "lang": "en", "likes": "3"}
            ],
            "moviethumb": [
                {"id": "106", "url": f"{art}/thumb-1000x562.jpg", "lang": "en", "likes": "1"}
            ],
            "moviedisc": [
                {
                    "id": "107",
                    "url": f"{art}/disc-1000x1000.png",
                    "lang": "en",
                    "likes": "1",
                    "disc": "1",
                    "disc_type": "bluray",
                    "size": "1000",
                },
                {
                    "id": "108",
                    "url": f"{art}/disc-450x450.png",
                    "lang": "en",
                    "likes": "9",
                    "disc": "1",
                    "disc_type": "dvd",
                    "size": "450",
                },
            ],
        }

    def tvdb_artworks(self) -> dict[str, Any]:
        art = f"{self.base}/tvdb"

        def entry(i: int, name: str, kind: int, w: int, h: int, lang: str | None, text: bool):
            return {
                "id": i,
                "image": f"{art}/{name}-{w}x{h}.jpg",
                "thumbnail": f"{art}/{name}_t-{w // 4}x{h // 4}.jpg",
                "language": lang,
                "type": kind,
                "score": 100000 + i,
                "width": w,
                "height": h,
                "includesText": text,
            }

        return {
            "status": "success",
            "data": {
                "id": 121361,
                "name": "Game of Thrones",
                "artworks": [
                    entry(1, "poster-eng", 2, 680, 1000, "eng", True),
                    entry(2, "poster-deu", 2, 680, 1000, "deu", True),
                    entry(3, "background", 3, 1920, 1080, "eng", False),
                    entry(4, "banner", 1, 758, 140, "eng", True),
                    entry(5, "season-poster", 7, 680, 1000, "eng", True),
                    entry(6, "clearlogo", 23, 800, 310, "eng", True),
                ],
            },
        }

    def audiodb_artist(self) -> dict[str, Any]:
        art = f"{self.base}/adb"
        return {
            "artists": [
                {
                    "idArtist": "111239",
                    "strArtist": "Coldplay",
                    "strMusicBrainzID": "cc197bad-dc9c-440d-a5b5-d52ba2e14234",
                    "strArtistThumb": f"{art}/thumb-1000x1000.jpg",
                    "strArtistLogo": f"{art}/logo-800x310.png",
                    "strArtistClearart": None,
                    "strArtistWideThumb": f"{art}/wide-1000x562.jpg",
                    "strArtistFanart": f"{art}/fanart1-1920x1080.jpg",
                    "strArtistFanart2": f"{art}/fanart2-1920x1080.jpg",
                    "strArtistFanart3": "",
                    "strArtistFanart4": None,
                    "strArtistBanner": f"{art}/banner-1000x185.jpg",
                    "strBiographyEN": "British rock band formed in London in 1996.",
                }
            ]
        }

    def caa_release_group(self) -> dict[str, Any]:
        """The Cover Art Archive's answer for a release group (its chosen release)."""
        art = f"{self.base}/caa/release/{CAA_RELEASE}"
        return {
            "images": [
                {"approved": True, "back": False, "comment": "", "edit": 17462565,
                 "front": True, "id": 829521842, "image": f"{art}/front-1200x1200.jpg",
                 "thumbnails": {"250": f"{art}/829521842-250.jpg",
                                "500": f"{art}/829521842-500.jpg",
                                "1200": f"{art}/829521842-1200.jpg"},
                 "types": ["Front"]},
                {"approved": True, "back": True, "comment": "", "edit": 17462566,
                 "front": False, "id": 829521843, "image": f"{art}/back-1200x1200.jpg",
                 "thumbnails": {}, "types": ["Back"]},
                {"approved": True, "back": False, "comment": "disc 1", "edit": 17462567,
                 "front": False, "id": 829521844, "image": f"{art}/medium-1000x1000.png",
                 "thumbnails": {}, "types": ["Medium"]},
                {"approved": False, "back": False, "comment": "", "edit": 17462568,
                 "front": True, "id": 829521845, "image": f"{art}/unapproved-500x500.jpg",
                 "thumbnails": {}, "types": ["Front"]},
            ],
            "release": f"https://musicbrainz.org/release/{CAA_RELEASE}",
        }  # fmt: skip

    # ---- dispatch -------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict, headers: dict, body: bytes):
        """(status, content type, bytes, extra headers) for one request."""
        if path in self.routes:
            return _json(200, self.routes[path])
        if path.startswith("/3/"):
            if query.get("api_key") != [TMDB_KEY]:
                return _json(401, {"status_code": 7, "success": False, "status_message": BAD_KEY})
            if path in ("/3/movie/550/images", "/3/tv/1399/images"):
                return _json(200, self.tmdb_images())
            return _json(404, {"status_code": 34, "success": False, "status_message": MISSING})
        if path.startswith("/v3/"):
            if query.get("api_key") != [FANART_KEY]:
                return _json(401, {"status": "error", "error message": "Invalid API key"})
            if path in ("/v3/movies/550", "/v3/movies/tt0137523"):
                return _json(200, self.fanart_movie())
            return _json(404, {"status": "error", "error message": "Not found"})
        if path == "/v4/login" and method == "POST":
            sent = json.loads(body or b"{}")
            if sent.get("apikey") != TVDB_KEY:
                return _json(401, {"status": "failure", "message": "InvalidAPIKey", "data": None})
            return _json(200, {"status": "success", "data": {"token": TVDB_TOKEN}})
        if path.startswith("/v4/"):
            if headers.get("authorization") != f"Bearer {TVDB_TOKEN}":
                return _json(401, {"status": "failure", "message": "Unauthorized"})
            if path == "/v4/series/121361/artworks":
                return _json(200, self.tvdb_artworks())
            return _json(404, {"status": "failure", "message": "NotFoundException"})
        if path == f"/caa/release-group/{CAA_RELEASE_GROUP}":
            return _json(200, self.caa_release_group())
        if path.startswith("/caa/release-group/"):
            return 404, "text/plain", b"Not Found", {}
        if path.startswith(f"/api/v1/json/{AUDIODB_KEY}/artist.php"):
            found = query.get("i") == ["111239"]
            return _json(200, self.audiodb_artist() if found else {"artists": None})
        match = _SIZE.search(path)
        if match:
            if path in self.broken_images:
                return 200, "image/jpeg", b"<html>not an image</html>", {}
            width, height, ext = int(match[1]), int(match[2]), match[3]
            return 200, f"image/{'png' if ext == 'png' else 'jpeg'}", _image(width, height, ext), {}
        return _json(404, {"error": "no such route"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                query = parse_qs(parts.query)
                server.requests.append(Seen(self.command, parts.path, query, headers, body))
                scripted = server.scripts.get(parts.path)
                if scripted:
                    answer = scripted.pop(0)
                    if answer.delay:
                        time.sleep(answer.delay)
                    payload = json.dumps(answer.body or {"status_message": "scripted"}).encode()
                    self._send(answer.status, "application/json", payload, answer.headers)
                    return
                status, ctype, payload, extra = server.answer(
                    self.command, parts.path, query, headers, body
                )
                self._send(status, ctype, payload, extra)

            def _send(self, status: int, ctype: str, payload: bytes, extra: dict) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in extra.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = _serve
            do_POST = _serve

        return Handler


def _json(status: int, body: Any) -> tuple[int, str, bytes, dict]:
    return status, "application/json", json.dumps(body).encode(), {}


_IMAGES: dict[tuple[int, int, str], bytes] = {}


def _image(width: int, height: int, ext: str) -> bytes:
    """A real image of that size (cached: the same bytes for the same request)."""
    key = (width, height, ext)
    if key not in _IMAGES:
        buffer = io.BytesIO()
        mode = "RGBA" if ext == "png" else "RGB"
        im = Image.new(mode, (width, height), (width % 256, height % 256, 90))
        im.paste((200, 40, 40), (width // 4, height // 4, width // 2, height // 2))
        im.save(buffer, "PNG" if ext == "png" else "JPEG", quality=80)
        _IMAGES[key] = buffer.getvalue()
    return _IMAGES[key]


def serve() -> Iterator[ProviderServer]:
    server = ProviderServer().start()
    try:
        yield server
    finally:
        server.stop()
