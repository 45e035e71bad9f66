"""Settings of the edge processes (prefix `LAPOR_`): where the services are, the web's token."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EdgeSettings(BaseSettings):
    """Where intake, routing and tracking answer; the faces' own ports."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_", extra="ignore")

    intake_url: str = "http://127.0.0.1:8101"
    routing_url: str = "http://127.0.0.1:8102"
    tracking_url: str = "http://127.0.0.1:8103"
    open311_host: str = "127.0.0.1"
    open311_port: int = 8105
    web_host: str = "127.0.0.1"
    web_port: int = 8106
    web_adapter_token: SecretStr | None = Field(
        default=None, description="The adapter token the web form submits with (server side)"
    )
    open311_adapter_token: SecretStr | None = Field(
        default=None, description="Adapter token for GET tokens/{token} when no api_key is given"
    )
    web_analyst_token: SecretStr | None = Field(
        default=None, description="Analyst token the public dashboard reads GET /v1/stats with"
    )
    web_cookie_secure: bool = Field(
        default=False, description="Mark the staff session cookie Secure (behind HTTPS)"
    )
    backend_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    web_map_tile_url: str = Field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        description="The web maps' tile URL template (Leaflet's {z}/{x}/{y}; {s} allowed)",
    )
    web_map_attribution: str = Field(
        default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        description="The tiles' attribution shown on every map (HTML)",
    )
    web_map_latitude: float = Field(default=-3.3194, ge=-90, le=90, description="Map centre")
    web_map_longitude: float = Field(default=114.5908, ge=-180, le=180, description="Map centre")
    web_map_zoom: int = Field(default=13, ge=1, le=19, description="The maps' first zoom")
