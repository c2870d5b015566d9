"""/v1 equipment catalog: browse every machine, one card, and the picture the recognition picker shows."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from config import Settings

from .deps import get_services, get_settings, pick_lang
from .errors import ApiError
from .schemas import EXERCISE_ID_PATTERN, EquipmentList, Lang, errors

router = APIRouter(tags=["equipment"])
_MEDIA = {".jpg": "image/jpeg", ".gif": "image/gif", ".png": "image/png", ".mp4": "video/mp4", ".webm": "video/webm"}


def _known(services, equipment_id: str, lang: str):
    if equipment_id not in services.kb.equipment:
        raise ApiError(404, "unknown_equipment", f"No equipment {equipment_id!r} in the catalog.",
                       f"目录中没有器械 {equipment_id!r}。", lang)


@router.get("/equipment", response_model=EquipmentList, summary="Every catalog machine (the picker's 'browse all')",
            responses=errors(401, 422))
def list_equipment(request: Request, lang: Lang | None = None, settings: Settings = Depends(get_settings)):
    from tools.equipment import picture_url

    services, lang = get_services(request), pick_lang(lang, settings)
    items = [{"id": e.id, "name": e.name.get(lang), "category": e.category, "image": picture_url(e.id)}
             for e in sorted(services.kb.equipment.values(), key=lambda e: (e.category, e.id))]
    return {"items": items}


@router.get("/equipment/{equipment_id}", summary="The how-to card of one machine", responses=errors(401, 404, 422))
def get_equipment(request: Request, equipment_id: str = PathParam(pattern=EXERCISE_ID_PATTERN),
                  lang: Lang | None = None, settings: Settings = Depends(get_settings)) -> dict:
    from tools.equipment import equipment_card

    services, lang = get_services(request), pick_lang(lang, settings)
    _known(services, equipment_id, lang)
    return equipment_card(services.kb, equipment_id, lang)


@router.get("/equipment/{equipment_id}/image", response_class=FileResponse, summary="A picture of one machine",
            responses={200: {"content": {"image/jpeg": {}, "image/gif": {}}, "description": "the picture"},
                       **errors(401, 404, 422)})
def equipment_image(request: Request, equipment_id: str = PathParam(pattern=EXERCISE_ID_PATTERN)):
    """A public-domain photo (free-exercise-db) where one ships, else its demonstration GIF."""
    from tools.equipment import equipment_picture

    services = get_services(request)
    _known(services, equipment_id, "en")
    path = equipment_picture(services.kb, equipment_id)
    if path is None:
        raise ApiError(404, "no_picture", f"No picture of {equipment_id!r} yet.", f"暂无 {equipment_id!r} 的图片。")
    return FileResponse(path, media_type=_MEDIA.get(path.suffix.lower(), "application/octet-stream"),
                        headers={"Cache-Control": "public, max-age=86400"})
