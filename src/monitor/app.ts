// The monitoring HTTP app: the reference's routes (server.go startMonitoring) as a table, served by Elysia.
// Every route answers every method, as Go's ServeMux; paths are case-sensitive and exact (strictPath), so
// "/varz/" is a 404; "//varz" gets ServeMux's 301 to the cleaned path. Each handler is a plain function of
// (context, query) -> Response; the endpoint functions behind them are (context, options) -> JSON object.
import { Elysia } from "elysia";
import { handleAccountStatz, handleAccountz } from "./accountz.ts";
import { handleConnz } from "./connz.ts";
import { dashboardEvents, dashboardPage, DashboardPaths } from "./dashboard/routes.ts";
import { countRequest, Paths, type MonitorContext } from "./context.ts";
import { handleGatewayz } from "./gatewayz.ts";
import { handleHealthz } from "./healthz.ts";
import { handleJsz } from "./jsz.ts";
import { handleLeafz } from "./leafz.ts";
import { metrics, METRICS_CONTENT_TYPE } from "./metrics.ts";
import { handleIPQueuesz, stacksz } from "./misc.ts";
import { BadRequest } from "./query.ts";
import { badRequest, cleanPath, dataResponse, html, jsonResponse, movedPermanently, notFound, text } from "./response.ts";
import { handleRoutez } from "./routez.ts";
import { joinBasePath, rootPage } from "./root.ts";
import { handleSubsz } from "./subsz.ts";
import { varz } from "./varz.ts";

export type RouteHandler = (ctx: MonitorContext, q: URLSearchParams, request: Request) => Response;

export interface Route {
  /** The path under http_base_path. */
  readonly path: string;
  readonly handler: RouteHandler;
}

/** The routes, in the reference's registration order; "/metrics" and the dashboard are bnats's own. */
export const ROUTES: readonly Route[] = [
  {
    path: Paths.root,
    handler: (ctx) => {
      countRequest(ctx, Paths.root);
      return html(rootPage(ctx.server.opts.httpBasePath, ctx.server.baseInfo().version));
    },
  },
  { path: Paths.varz, handler: (ctx, q) => jsonResponse(varz(ctx), q) },
  { path: Paths.connz, handler: (ctx, q) => jsonResponse(handleConnz(ctx, q), q) },
  { path: Paths.routez, handler: (ctx, q) => jsonResponse(handleRoutez(ctx, q), q) },
  { path: Paths.gatewayz, handler: (ctx, q) => jsonResponse(handleGatewayz(ctx, q), q) },
  { path: Paths.leafz, handler: (ctx, q) => jsonResponse(handleLeafz(ctx, q), q) },
  { path: Paths.subsz, handler: (ctx, q) => jsonResponse(handleSubsz(ctx, q), q) },
  // The reference's alias kept for backward compatibility.
  { path: "/subscriptionsz", handler: (ctx, q) => jsonResponse(handleSubsz(ctx, q), q) },
  // As the reference: the stack text goes through ResponseHandler, so it is labelled application/json.
  { path: Paths.stacksz, handler: (_ctx, q) => dataResponse(stacksz(), q) },
  { path: Paths.accountz, handler: (ctx, q) => jsonResponse(handleAccountz(ctx, q), q) },
  { path: Paths.accstatz, handler: (ctx, q) => jsonResponse(handleAccountStatz(ctx, q), q) },
  { path: Paths.jsz, handler: (ctx, q) => jsonResponse(handleJsz(ctx, q), q) },
  {
    path: Paths.healthz,
    handler: (ctx, q) => {
      const { status, body } = handleHealthz(ctx, q);
      // HandleHealthz uses json.Marshal (no indentation).
      return jsonResponse(body, q, { status, indent: false });
    },
  },
  { path: Paths.ipqueuesz, handler: (_ctx, q) => jsonResponse(handleIPQueuesz(q), q) },
  { path: Paths.metrics, handler: (ctx) => text(metrics(ctx), METRICS_CONTENT_TYPE) },
  // The live dashboard (issue 16): a page and its server-sent event stream.
  { path: DashboardPaths.page, handler: () => dashboardPage() },
  { path: DashboardPaths.events, handler: (ctx, _q, request) => dashboardEvents(ctx, request) },
];

/** Runs a handler, turning BadRequest into the reference's 400. */
function run(handler: RouteHandler, ctx: MonitorContext, request: Request): Response {
  const url = new URL(request.url);
  try {
    return handler(ctx, url.searchParams, request);
  } catch (err) {
    if (err instanceof BadRequest) return badRequest(err.message);
    throw err;
  }
}

/** The Elysia app serving ROUTES under the configured http_base_path. */
export function createMonitorApp(ctx: MonitorContext): Elysia {
  const base = ctx.server.opts.httpBasePath;
  const app = new Elysia({ strictPath: true })
    .onRequest(({ request }) => {
      const url = new URL(request.url);
      const clean = cleanPath(url.pathname);
      if (clean !== url.pathname) return movedPermanently(clean + url.search, request.method);
      return undefined;
    })
    .onError(({ code }) => (code === "NOT_FOUND" ? notFound() : undefined));
  for (const route of ROUTES) {
    app.all(joinBasePath(base, route.path), ({ request }) => run(route.handler, ctx, request));
  }
  return app as unknown as Elysia;
}
