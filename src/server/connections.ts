import type { IncomingMessage, RequestListener, ServerOptions, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { problem } from "./problem.js";

/**
 * Limits on connections, below the HTTP framework: slow clients are dropped so that they cannot hold the server,
 * and what Node refuses before any route runs (headers too large, malformed requests, timeouts) is still answered
 * with problem details.
 */

export interface ConnectionLimits {
  /** a client must send its complete headers within this time (slowloris defence) */
  headersTimeoutSeconds: number;
  /** … and its complete request, body included (5 MB at ~700 kbit/s fits) */
  requestTimeoutSeconds: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { headersTimeoutSeconds: 10, requestTimeoutSeconds: 60 };

/** Node's own limit on the request line and headers together, as Node's default. */
const MAX_HEADER_BYTES = 16 * 1024;

export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutSeconds * 1000,
    requestTimeout: limits.requestTimeoutSeconds * 1000,
    // how often Node looks for connections past those limits: often, so that slow clients go promptly
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutSeconds * 250),
    // idle keep-alive sockets must outlive the clients' own (undici: 4 s): when the server closes one first, a
    // client reusing it at that moment gets ECONNRESET (seen in the load test with Node's default of 5 s). An
    // idle socket between requests is not subject to the header and request timeouts.
    keepAliveTimeout: 65_000,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

const REFUSALS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    detail: `the request line and headers are larger than ${MAX_HEADER_BYTES} bytes`,
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    detail: "the request was not received in time: the connection is closed",
  },
};
const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
};

/** Node's 'clientError': answer with problem details where a response can still be sent, then close. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, detail } = REFUSALS[error.code ?? ""] ?? {
    status: 400,
    detail: "the request is not valid HTTP",
  };
  const body = JSON.stringify(problem(status, detail));
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Refuses a request target that climbs out of its folder (`..`, `%2e%2e`, backslashes), holds NUL or is not
 * UTF-8 — as sent, before URL parsing resolves `..` away — so that no route and no file of the web app is ever
 * looked up for it. Everything else goes on to `next`.
 */
export function refusingTraversal(next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const detail = badTarget((req.url ?? "/").split("?")[0]!);
    if (detail === undefined) return next(req, res);
    const body = JSON.stringify(problem(400, detail));
    res.writeHead(400, {
      "content-type": "application/problem+json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  };
}

function badTarget(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "the request path is not valid percent-encoded UTF-8";
  }
  if (decoded.includes("\\") || decoded.includes("\0") || /(^|\/)\.\.(\/|$)/.test(decoded))
    return "the request path may not contain '..', backslashes or NUL";
  return undefined;
}
