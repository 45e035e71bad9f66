"""`lapor serve open311|web`: the edge processes (GeoReport v2, the citizens' and staff pages)."""

from __future__ import annotations

FACES = {"open311": "services.faces.open311:create_app", "web": "services.faces.web:create_app"}


def serve(name: str) -> None:
    """Run one face in the foreground on its configured host and port."""
    import uvicorn

    from services.faces.common.settings import EdgeSettings

    settings = EdgeSettings()
    host, port = getattr(settings, f"{name}_host"), getattr(settings, f"{name}_port")
    uvicorn.run(FACES[name], factory=True, host=host, port=port, log_config=None, access_log=False)
