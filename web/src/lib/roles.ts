import type { Role } from "../../../src/store/accounts.js";

export type { Role };

/**
 * What the caller may do in a project, from the role the API returns with it (viewer < editor < owner): write
 * actions are disabled for a viewer up front rather than answered 403 on a click.
 */
export const mayEdit = (role: Role): boolean => role !== "viewer";

export const VIEWER_NOTE = "Viewers can read; ask an owner for editor rights.";
