// The reference's response shapes (monitor.go ResponseHandler, Go's http.NotFound and ServeMux redirect):
// JSON with `Content-Type: application/json`, JSONP when `?callback=` is given, 400s as plain text.
import { goJSON } from "./format.ts";

const TEXT = "text/plain; charset=utf-8";

/** ResponseHandler: JSON, or `callback(json)` as application/javascript. */
export function jsonResponse(value: unknown, query: URLSearchParams, opts: { status?: number; indent?: boolean } = {}): Response {
  return dataResponse(goJSON(value, opts.indent ?? true), query, opts.status);
}

/** ResponseHandler over an already-encoded body. */
export function dataResponse(data: string, query: URLSearchParams, status = 200): Response {
  const callback = query.get("callback") ?? "";
  if (callback !== "") {
    return new Response(`${callback}(${data})`, { status, headers: { "content-type": "application/javascript" } });
  }
  return new Response(data, { status, headers: { "content-type": "application/json" } });
}

/** A 400 with the reference's error text (Go sniffs it as text/plain). */
export function badRequest(text: string): Response {
  return new Response(text, { status: 400, headers: { "content-type": TEXT } });
}

/** http.NotFound. */
export function notFound(): Response {
  return new Response("404 page not found\n", {
    status: 404,
    headers: { "content-type": TEXT, "x-content-type-options": "nosniff" },
  });
}

export function html(body: string): Response {
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
}

export function text(body: string, contentType = TEXT): Response {
  return new Response(body, { headers: { "content-type": contentType } });
}

/** ServeMux's 301 to the cleaned path (http.Redirect: an HTML body for GET only). */
export function movedPermanently(location: string, method: string): Response {
  const headers: Record<string, string> = { location };
  if (method === "GET" || method === "HEAD") headers["content-type"] = "text/html; charset=utf-8";
  const body = method === "GET" ? `<a href="${escapeHTML(location)}">Moved Permanently</a>.\n\n` : null;
  return new Response(body, { status: 301, headers });
}

function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
}

/**
 * Go's cleanPath for ServeMux: path.Clean, keeping a trailing slash. Returns the path unchanged when
 * already clean. (Bun resolves "/./" segments before the handler sees the URL; "//" survives.)
 */
export function cleanPath(p: string): string {
  if (p === "") return "/";
  if (!p.startsWith("/")) p = "/" + p;
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  let np = "/" + parts.join("/");
  if (p.endsWith("/") && np !== "/") np += "/";
  return np;
}
