"""/v1 equipment recognition (photo, video) and the "my gym" gallery: thin adapters over tools/."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam

from config import Settings

from .deps import caller, check_user, file_limit_bytes, get_services, get_settings, pick_lang
from .errors import ApiError
from .limits import MAX_ENROLL_FILES, read_upload, too_large_error
from .schemas import LABEL_PATTERN, USER_ID_PATTERN, EnrollResult, Gallery, GalleryRemoved, Lang, Recognition, SharedPhotos, UserId, VideoRecognition, errors

router = APIRouter(tags=["vision"])
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


def decode_image(data: bytes, limit: int, lang: str):
    """Upload bytes → RGB PIL image; the domain's bilingual message as 413 / 422 otherwise."""
    from tools.images import ImageInputError, load_image

    try:
        return load_image(data, max_bytes=limit)
    except ImageInputError as exc:
        if exc.code == "too_large":
            raise too_large_error(len(data), limit, lang) from exc
        raise ApiError(422, exc.code, exc.en, exc.zh, lang) from exc


def _history(services, user_id: str | None, kind: str, summary: str, payload: dict) -> None:
    if user_id:
        services.store.add_history(user_id, kind, summary, payload)


@router.post("/recognize", response_model=Recognition, summary="Recognise the gym equipment in one photo",
             responses=errors(401, 403, 404, 413, 422, 503))
def recognize_photo(request: Request, file: UploadFile = File(description="photo: JPEG, PNG, WebP, GIF or BMP"),
                    lang: Lang | None = Form(None), k: int = Form(3, ge=1, le=10, description="candidates returned"),
                    user_id: UserId | None = Form(None, description="record the scan in this user's history and "
                                                                    "use their own gallery"),
                    services=Depends(get_services), settings: Settings = Depends(get_settings)):
    """Open-set decision (recognized / not_sure / not_equipment), top-k candidates and the catalog card."""
    from tools.equipment import recognize

    check_user(request, user_id)
    lang = pick_lang(lang, settings)
    limit = file_limit_bytes(settings)
    image = decode_image(read_upload(file, limit, lang), limit, lang)
    result = recognize(image, services.recognizer_for(user_id), services.kb, lang, k=k)
    del image
    from tools.images import release_memory

    release_memory()   # a big upload's decode buffers are freed by now: return them to the OS
    if result["status"] == "error":   # the recogniser itself failed (VLM down, model missing)
        raise ApiError(503, result["error"] or "recognizer", result["message"], lang=lang)
    _history(services, user_id, "scan", result["message"],
             {"status": result["status"], "equipment_id": result["equipment_id"]})
    return result


@router.post("/recognize/video", response_model=VideoRecognition, summary="Timeline of the equipment in a video",
             responses=errors(401, 403, 404, 413, 422, 503))
def recognize_video_upload(request: Request, file: UploadFile = File(description="video: MP4, WebM, AVI or MOV"),
                           lang: Lang | None = Form(None),
                           mode: str = Form("scene", pattern="^(scene|uniform)$",
                                            description="scene: a frame when the picture changes; uniform: 1/s"),
                           user_id: UserId | None = Form(None),
                           services=Depends(get_services), settings: Settings = Depends(get_settings)):
    """Frames are sampled, recognised and voted over time into segments of what appears when."""
    from tools.video import recognize_video

    check_user(request, user_id)
    lang = pick_lang(lang, settings)
    limit = file_limit_bytes(settings)
    data = read_upload(file, limit, lang)
    suffix = Path(file.filename or "").suffix.lower()
    with tempfile.TemporaryDirectory(prefix="fitnesslm-video-") as tmp:
        path = Path(tmp) / ("upload" + (suffix if _SUFFIX.match(suffix) else ".mp4"))
        path.write_bytes(data)
        result = recognize_video(path, services.recognizer_for(user_id), services.kb, lang, mode=mode, max_bytes=limit)
    from tools.images import release_memory

    release_memory()   # decoded frames are freed: give their pages back (RSS returns to the baseline)
    if result["status"] == "error":
        if result["error"] == "too_large":
            raise too_large_error(len(data), limit, lang)
        raise ApiError(503 if result["error"] == "recognizer" else 422, result["error"], result["message"], lang=lang)
    main = result.get("main") or {}
    _history(services, user_id, "video", main.get("name") or "video", {"main": main.get("equipment_id")})
    return result


# -- gallery --------------------------------------------------------------------------------------------
def _label(label: str, lang: str, services, shared: bool) -> str:
    from services.galleries import gallery_label

    try:
        return gallery_label(label, services.kb, shared)
    except ValueError as exc:
        msg = ({"en": "the shared gallery takes catalog equipment ids only", "zh": "共享图库只接受目录中的器械 id"}
               if shared and "catalog" in str(exc) else
               {"en": "must be a catalog equipment id or your own name for a machine (1-61 characters, no slashes)",
                "zh": "必须是目录中的器械 id，或你给自己器械起的名字（1-61 个字符，不含斜杠）"})
        raise ApiError(422, "bad_label", f"Invalid label {label!r}: {msg['en']}.",
                       f"标签 {label!r} 无效：{msg['zh']}。", lang, fields={"label": msg}) from exc


def _shared_gallery(request: Request, services):
    services.access.check_operator(caller(request))
    return services.gallery


def _enroll(gallery, label: str, files: list[UploadFile], lang: str, settings: Settings, images=None) -> dict:
    if not 1 <= len(files) <= MAX_ENROLL_FILES:
        raise ApiError(422, "too_many_files", f"Send 1-{MAX_ENROLL_FILES} photos per request.",
                       f"每次请发送 1-{MAX_ENROLL_FILES} 张照片。", lang)
    limit = file_limit_bytes(settings)
    out = gallery.enroll(label, images or [read_upload(f, limit, lang) for f in files], source="api")
    if not out["added"] and not out["duplicates"] and out["errors"]:
        first = out["errors"][0]
        raise ApiError(422, "no_usable_images", "None of the photos could be used: " + first["message_en"],
                       "没有可用的照片：" + first["message_zh"], lang,
                       fields={f"files.{e['index']}": {"en": e["message_en"], "zh": e["message_zh"]}
                               for e in out["errors"]})
    return out


def _remove(gallery, label: str, lang: str) -> dict:
    removed = gallery.remove_label(label)
    if not removed:
        raise ApiError(404, "unknown_label", f"No photos are enrolled under {label!r}.",
                       f"标签 {label!r} 下没有照片。", lang)
    return {"label": label, "removed": removed}


@router.get("/gallery", response_model=Gallery, tags=["gallery"], summary="Enrolled labels with photo counts",
            responses=errors(401, 403, 404, 422))
def gallery_labels(request: Request, user_id: str | None = Query(None, pattern=USER_ID_PATTERN,
                                                                 description="also list this user's own photos"),
                   services=Depends(get_services)):
    """The shared gallery's labels (shared: true) and, with user_id, that user's own (shared: false)."""
    rows = [{"label": k, "count": n, "shared": True} for k, n in sorted(services.gallery.labels().items())]
    if user_id:
        rows += [{"label": k, "count": n, "shared": False}
                 for k, n in sorted(services.user_gallery(check_user(request, user_id)).labels().items())]
    return {"labels": rows, "total": sum(r["count"] for r in rows)}


LabelForm = Form(min_length=1, max_length=50, pattern=LABEL_PATTERN, description="a catalog id ('leg_press_machine') or your own name "
                                                           "('我的推胸机' → 'my_我的推胸机')")
FilesForm = File(description=f"1-{MAX_ENROLL_FILES} photos")


@router.post("/gallery/enroll", response_model=EnrollResult, tags=["gallery"],
             summary="Add photos of one machine of your gym to your own gallery", responses=errors(401, 403, 404, 413, 422))
def gallery_enroll(request: Request, label: str = LabelForm, files: list[UploadFile] = FilesForm,
                   user_id: UserId = Form(description="whose gallery: only their recognition uses these photos"),
                   share: bool = Form(False, description="also share them with every user (catalog ids only; when "
                                                         "the operator allows it: FITNESSLM_SHARED_CONTRIBUTIONS=1)"),
                   lang: Lang | None = Form(None), services=Depends(get_services),
                   settings: Settings = Depends(get_settings)):
    """Bad or duplicate photos are reported per file; 422 when none could be used. With `share`, the photos
    also go to the shared gallery, listed at GET /v1/gallery/shared/photos and deletable by whoever shared them."""
    from services.galleries import SharingRefused, share_photos

    lang = pick_lang(lang, settings)
    gallery = services.user_gallery(check_user(request, user_id))
    stored = _label(label, lang, services, shared=share)
    images, shared = None, 0
    if share:   # shared first: a refusal (switched off, full) leaves nothing half-added
        if not 1 <= len(files) <= MAX_ENROLL_FILES:
            return _enroll(gallery, stored, files, lang, settings)   # the same 422 as without sharing
        images = [read_upload(f, file_limit_bytes(settings), lang) for f in files]
        try:
            shared = share_photos(services.gallery, stored, images, user_id, settings)["added"]
        except SharingRefused as exc:
            raise ApiError(exc.status, exc.code, exc.en, exc.zh, lang) from exc
    return {**_enroll(gallery, stored, files, lang, settings, images), "shared": shared}


@router.delete("/gallery/{label}", response_model=GalleryRemoved, tags=["gallery"],
               summary="Remove every photo of a label from your own gallery", responses=errors(401, 403, 404, 422))
def gallery_remove(request: Request, label: str = PathParam(min_length=1, max_length=50, pattern=LABEL_PATTERN),
                   user_id: str = Query(pattern=USER_ID_PATTERN, description="whose gallery"), lang: Lang | None = None,
                   services=Depends(get_services), settings: Settings = Depends(get_settings)):
    lang = pick_lang(lang, settings)
    gallery = services.user_gallery(check_user(request, user_id))
    return _remove(gallery, _label(label, lang, services, shared=False), lang)


@router.post("/gallery/shared/enroll", response_model=EnrollResult, tags=["gallery"],
             summary="Operator: add photos to the shared gallery (catalog ids only)", responses=errors(401, 403, 413, 422))
def shared_gallery_enroll(request: Request, label: str = Form(min_length=1, max_length=50, pattern=LABEL_PATTERN, description="a catalog id"),
                          files: list[UploadFile] = FilesForm, lang: Lang | None = Form(None),
                          services=Depends(get_services), settings: Settings = Depends(get_settings)):
    """Every user's recognition sees these photos, so only the operator (FITNESSLM_API_TOKEN) may add them."""
    lang = pick_lang(lang, settings)
    gallery = _shared_gallery(request, services)
    return _enroll(gallery, _label(label, lang, services, shared=True), files, lang, settings)


@router.delete("/gallery/shared/{label}", response_model=GalleryRemoved, tags=["gallery"],
               summary="Operator: remove a label from the shared gallery", responses=errors(401, 403, 404, 422))
def shared_gallery_remove(request: Request, label: str = PathParam(min_length=1, max_length=50, pattern=LABEL_PATTERN),
                          lang: Lang | None = None, services=Depends(get_services),
                          settings: Settings = Depends(get_settings)):
    lang = pick_lang(lang, settings)
    gallery = _shared_gallery(request, services)
    return _remove(gallery, _label(label, lang, services, shared=True), lang)


@router.get("/gallery/shared/photos", response_model=SharedPhotos, tags=["gallery"],
            summary="Every photo in the shared gallery (which ones you shared)", responses=errors(401, 403, 404, 422))
def shared_gallery_photos(request: Request, user_id: str | None = Query(None, pattern=USER_ID_PATTERN,
                                                                        description="mark the photos this user shared"),
                          services=Depends(get_services)):
    from services.galleries import shared_photos

    if user_id:
        check_user(request, user_id)
    photos = shared_photos(services.gallery, user_id)
    return {"photos": photos, "total": len(photos)}


@router.delete("/gallery/shared/photos/{item_id}", response_model=GalleryRemoved, tags=["gallery"],
               summary="Delete a photo you shared (the operator may delete any)", responses=errors(401, 403, 404, 422))
def shared_gallery_delete_photo(request: Request, item_id: int = PathParam(ge=1),
                                user_id: str | None = Query(None, pattern=USER_ID_PATTERN, description="who shared it"),
                                lang: Lang | None = None, services=Depends(get_services),
                                settings: Settings = Depends(get_settings)):
    from services.galleries import SharingRefused, delete_shared_photo

    lang = pick_lang(lang, settings)
    if user_id:
        check_user(request, user_id)
    try:
        label = delete_shared_photo(services.gallery, item_id, user_id, services.access.has_token(caller(request)))
    except SharingRefused as exc:
        raise ApiError(exc.status, exc.code, exc.en, exc.zh, lang) from exc
    return {"label": label, "removed": 1}
