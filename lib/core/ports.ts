/** The ports the images listen on, fixed by the images themselves; every target uses these. */

/** The backend's API and WebSocket port (run_backend.sh). */
export const BACKEND_API_PORT = 3210;
/** The backend's HTTP-actions port (run_backend.sh). */
export const BACKEND_SITE_PORT = 3211;
/** Both backend ports. */
export const BACKEND_PORTS: readonly number[] = [BACKEND_API_PORT, BACKEND_SITE_PORT];
/** The dashboard image's port (`ENV PORT=6791`). */
export const DASHBOARD_HTTP_PORT = 6791;
