"""HTTP access to artwork providers: configuration, retries, rate limits, clear errors.

Every provider client is a :class:`ProviderClient`: an ``httpx.Client`` with a timeout,
a minimum interval between requests (rate limit), and retries with exponential
backoff for connection errors, timeouts, 5xx and 429 (honouring ``Retry-After``).
401/403 become :class:`ProviderError` naming the setting that holds the key; 404
becomes :class:`~curata.errors.NotFound`.

Configuration, first match wins: explicit arguments; environment variables
``CURATA_<NAME>_API_KEY`` (or the provider's customary ``TMDB_API_KEY``,
``FANART_TV_API_KEY``, ``TVDB_API_KEY``, ``THEAUDIODB_API_KEY``),
``CURATA_<NAME>_URL``; then the ``[providers.<name>]`` table of
``$CURATA_HOME/config.toml`` (keys ``api_key``, ``pin``, ``base_url``, ``image_base_url``,
``timeout``, ``retries``, ``rate_per_second``). Both the environment and the file are
those of the :class:`~curata.config.Settings` given, read when ``Curata`` opened.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from curata.config import Settings
from curata.errors import NotFound, ProviderError

__all__ = ["ProviderClient", "ProviderConfig", "ProviderError", "RateLimiter", "provider_config"]


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    base_url: str
    api_key: str | None = None
    pin: str | None = None
    image_base_url: str | None = None
    timeout: float = 15.0
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 60.0
    rate_per_second: float | None = None
    env_names: tuple[str, ...] = field(default=(), compare=False)
    config_file: str = field(default="config.toml", compare=False)

    def require_key(self) -> str:
        if not self.api_key:
            names = " or ".join(f"${n}" for n in self.env_names) or "an API key"
            raise ProviderError(
                f"{self.name}: no API key; set {names} or api_key in "
                f"[providers.{self.name}] of {self.config_file}",
                field=f"providers.{self.name}.api_key",
            )
        return self.api_key


_FLOATS = ("timeout", "backoff", "max_retry_after", "rate_per_second")


def provider_config(name: str, settings: Settings, **overrides: Any) -> ProviderConfig:
    """The configuration of provider ``name`` from ``settings`` (see the module docstring
    for the order), starting from the provider's own ``defaults``."""
    from curata.autoselect.providers import provider

    if settings.config_error:
        raise ProviderError(settings.config_error, field="config.toml")
    config = replace(provider(name).defaults, config_file=str(settings.config_file))
    values: dict[str, Any] = {}
    table = settings.providers.get(name, {})
    for key in ("api_key", "pin", "base_url", "image_base_url", "retries", *_FLOATS):
        if key in table:
            values[key] = table[key]
    upper = name.upper()
    environ = settings.environ
    for env in config.env_names:
        if environ.get(env):
            values["api_key"] = environ[env]
            break
    for key, env in (
        ("base_url", f"CURATA_{upper}_URL"),
        ("image_base_url", f"CURATA_{upper}_IMAGE_URL"),
        ("pin", f"CURATA_{upper}_PIN"),
    ):
        if environ.get(env):
            values[key] = environ[env]
    given = {**settings.provider_arguments.get(name, {}), **overrides}
    values.update({k: v for k, v in given.items() if v is not None})
    for key in _FLOATS:
        if key in values and values[key] is not None:
            values[key] = float(values[key])
    return replace(config, **values)


class RateLimiter:
    """At most ``rate`` requests per second: waits so requests are ``1/rate`` apart."""

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self.clock()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            self.sleep(delay)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        for key in ("status_message", "error message", "message", "error", "Error"):
            if isinstance(body.get(key), str):
                return body[key]
    return ""


class ProviderClient:
    """One provider's HTTP client (use as a context manager, or call :meth:`close`)."""

    def __init__(
        self,
        config: ProviderConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.sleep = sleep
        self.limiter = RateLimiter(config.rate_per_second, clock, sleep)
        self.http = httpx.Client(
            timeout=config.timeout,
            follow_redirects=True,
            headers={"User-Agent": "curata (artwork auto-selection)"},
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ProviderClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return path if "://" in path else self.config.base_url.rstrip("/") + "/" + path.lstrip("/")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send with rate limiting and retries; raise clear errors for failures."""
        url = self.url(path)
        name = self.config.name
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            self.limiter.wait()
            last = attempt == attempts - 1
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TimeoutException:
                if last:
                    raise ProviderError(
                        f"{name}: no answer within {self.config.timeout:g} s from {url} "
                        f"({attempts} attempts)"
                    ) from None
                self.sleep(self.config.backoff * 2**attempt)
                continue
            except httpx.TransportError as exc:
                if last:
                    raise ProviderError(
                        f"{name}: cannot reach {url}: {exc} ({attempts} attempts)"
                    ) from None
                self.sleep(self.config.backoff * 2**attempt)
                continue
            status = response.status_code
            if status < 400:
                return response
            if status in (401, 403):
                raise ProviderError(
                    f"{name} rejected the API key ({status}): {_detail(response) or 'unauthorized'}"
                    f"; check {' / '.join('$' + n for n in self.config.env_names)}",
                    field=f"providers.{name}.api_key",
                    details={"provider": name, "status": status},
                )
            if status == 404:
                raise NotFound(
                    f"{name}: not found: {url} ({_detail(response) or 'no such item'})",
                    details={"provider": name, "status": status},
                )
            if status == 429 or status >= 500:
                if last:
                    what = "rate limit exceeded" if status == 429 else f"server error {status}"
                    raise ProviderError(
                        f"{name}: {what} for {url} after {attempts} attempts",
                        details={"provider": name, "status": status},
                    )
                self.sleep(self._retry_delay(response, attempt))
                continue
            raise ProviderError(
                f"{name}: request failed ({status}): {_detail(response) or url}",
                details={"provider": name, "status": status},
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_delay(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After")
        if header:
            try:
                return min(max(float(header), 0.0), self.config.max_retry_after)
            except ValueError:
                pass
        return self.config.backoff * 2**attempt

    def get_json(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        response = self.request("GET", path, params=params, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ProviderError(
                f"{self.config.name}: the answer from {response.url} is not JSON"
            ) from None

    def download(self, url: str, target: Path, max_bytes: int = 64 * 1024 * 1024) -> int:
        """Write the body of ``url`` to ``target`` (which must not be the final name)."""
        response = self.request("GET", url)
        data = response.content
        if len(data) > max_bytes:
            raise ProviderError(f"{self.config.name}: {url} is larger than {max_bytes} bytes")
        target.write_bytes(data)
        return len(data)
