"""The files.* upload flow that slack_sdk's files_upload_v2 uses: files.getUploadURLExternal
hands out an upload URL (served by the fake's HTTP server at `/upload/<file_id>`), the
bytes are POSTed there, and files.completeUploadExternal shares the files in a channel as
one file share message, or keeps them private. Completed files land in the workspace's
`files`; a length that does not match the bytes sent is a violation."""

from __future__ import annotations

import copy
import mimetypes
from dataclasses import dataclass
from typing import Any

from .spec import decode
from .workspace import BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, Message, SharedFile, Workspace


@dataclass
class Upload:
    """A file between files.getUploadURLExternal and files.completeUploadExternal."""

    filename: str
    length: int
    alt_txt: str | None
    snippet_type: str | None
    content: bytes | None = None
    completed: bool = False


class Uploads:
    """Files on their way in; `http_url` is where the fake's HTTP server answers."""

    def __init__(self, workspace: Workspace, http_url: str) -> None:
        self._workspace = workspace
        self._http_url = http_url
        self._uploads: dict[str, Upload] = {}

    def api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(args["length"])
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if length <= 0:
            return {"ok": False, "error": "missing_argument"}
        file_id = f"F{self._workspace.serial():08d}"
        self._uploads[file_id] = Upload(
            args["filename"], length, args.get("alt_txt"), args.get("snippet_type")
        )
        return {"ok": True, "upload_url": f"{self._http_url}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The POST of a file's bytes to its upload_url: (HTTP status, text answer)."""
        workspace = self._workspace
        with workspace.changed:
            upload = self._uploads.get(file_id)
            if upload is None or upload.completed:
                return 404, "file_not_found"
            if len(data) != upload.length:
                workspace.violations.append(
                    f"upload {file_id}: {len(data)} bytes, but files.getUploadURLExternal "
                    f"said length={upload.length}"
                )
            upload.content = data
            workspace.changed.notify_all()
            return 200, f"OK - {len(data)}"

    def api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Share uploaded files in `channel_id` (or each of `channels`) as one file share
        message, or keep them private without either. A file is completed once."""
        workspace = self._workspace
        items = decode(args["files"])
        uploads = [self._uploads.get(item["id"]) for item in items]
        if any(u is None or u.content is None or u.completed for u in uploads):
            return {"ok": False, "error": "file_not_found"}
        if "channel_id" in args:
            targets = [workspace.conversation(args["channel_id"])]
        else:
            named = [c for c in str(args.get("channels", "")).split(",") if c]
            targets = [workspace.channel_for(c) for c in named]
        if None in targets:
            return {"ok": False, "error": "channel_not_found"}
        shared_in = [t for t in targets if t is not None]
        objects = [
            self._file_object(item, upload, shared_in)
            for item, upload in zip(items, uploads, strict=True)
            if upload is not None
        ]
        comment = args.get("initial_comment")
        shares = {
            channel: self._share_message(channel, objects, args, comment) for channel in shared_in
        }
        for item, upload, shown in zip(items, uploads, objects, strict=True):
            assert upload is not None and upload.content is not None
            upload.completed = True
            workspace.files.append(
                SharedFile(
                    id=item["id"],
                    filename=upload.filename,
                    title=shown["title"],
                    content=upload.content,
                    channel=shared_in[0] if shared_in else None,
                    channels=shared_in,
                    initial_comment=comment,
                    thread_ts=args.get("thread_ts"),
                    ts=shares[shared_in[0]].ts if shared_in else None,
                    alt_txt=upload.alt_txt,
                    snippet_type=upload.snippet_type,
                )
            )
        return {"ok": True, "files": objects}

    def _file_object(
        self, item: dict[str, Any], upload: Upload, channels: list[str]
    ) -> dict[str, Any]:
        assert upload.content is not None
        known = self._workspace.channels
        file_id, name = item["id"], upload.filename
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "text"
        now = int(self._workspace.now().timestamp())
        return {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": name,
            "title": item.get("title") or name,
            "mimetype": mimetypes.guess_type(name)[0] or "text/plain",
            "filetype": extension,
            "user": BOT_USER_ID,
            "user_team": TEAM_ID,
            "size": len(upload.content),
            "mode": "hosted",
            "is_external": False,
            "is_public": any(known[c].get("is_channel") for c in channels),
            "url_private": f"https://files.slack.com/files-pri/{TEAM_ID}-{file_id}/{name}",
            "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file_id}/{name}",
            "channels": [c for c in channels if known[c].get("is_channel")],
            "groups": [c for c in channels if c.startswith("G")],
            "ims": [c for c in channels if known[c].get("is_im")],
        }

    def _share_message(
        self, channel: str, files: list[dict[str, Any]], args: dict[str, Any], comment: str | None
    ) -> Message:
        """Slack ignores `blocks` when there is an initial_comment."""
        blocks = [] if comment else decode(args.get("blocks", []))
        message = Message(
            channel=channel,
            ts=self._workspace.next_ts(),
            text=comment or "",
            blocks=blocks,
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            thread_ts=args.get("thread_ts"),
            subtype="file_share",
            files=copy.deepcopy(files),
        )
        self._workspace.messages[channel].append(message)
        return message
