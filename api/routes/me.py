from fastapi import APIRouter

from api import schemas as s
from api.deps import PrincipalDep
from api.docs import scoped

router = APIRouter(tags=["workspace"])


@router.get("/me", response_model=s.MeOut, **scoped(None, summary="Workspace and key scopes"))
async def me(principal: PrincipalDep) -> s.MeOut:
    """The workspace owning this key and the scopes attached to it. A smoke test for new
    integrations."""
    ws, key = principal.workspace, principal.key
    return s.MeOut(
        workspace=s.WorkspaceOut(id=ws.id, name=ws.name, created_at=ws.created_at),
        key=s.KeyOut(prefix=key.prefix, scopes=list(key.scopes)),
    )
