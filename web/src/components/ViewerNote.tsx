import { mayEdit, type Role, VIEWER_NOTE } from "../lib/roles.js";

/** Why a viewer's write buttons are disabled; nothing for an editor or owner. */
export function ViewerNote({ role }: { role: Role }) {
  if (mayEdit(role)) return null;
  return (
    <p className="muted small" role="note">
      {VIEWER_NOTE}
    </p>
  );
}
