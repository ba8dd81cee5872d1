// Which credentials websocket clients log in with: auth.go processClientOrLeafAuthentication (v2.9.10)
// for clientType WS, and websocket.go wsConfigAuth.
// - The websocket block overrides the server's authentication when it sets a user, a token or a
//   no_auth_user (authOverride): websocket clients then use its user/password/token/no_auth_user,
//   and the server's users and nkeys (the block has no users of its own).
// - Without an override they use the server's user/password/token/no_auth_user.
// - tls_map always comes from the websocket tls block.
import type { Options } from "../options.ts";

/** websocket.go wsConfigAuth: the block sets its own authentication. */
export function websocketAuthOverride(opts: Options): boolean {
  const wo = opts.websocket;
  return wo.username !== "" || wo.token !== "" || wo.noAuthUser !== "";
}

/** The options an Authenticator for websocket clients is built from. */
export function websocketAuthOptions(opts: Options): Options {
  const wo = opts.websocket;
  const out: Options = { ...opts, tls: wo.tls };
  if (websocketAuthOverride(opts)) {
    out.username = wo.username;
    out.password = wo.password;
    out.authorization = wo.token;
    out.noAuthUser = wo.noAuthUser;
  }
  return out;
}

/** The auth timeout of a websocket client: the block's authorization timeout, else the server's (ms). */
export function websocketAuthTimeout(opts: Options): number {
  return opts.websocket.authTimeout !== 0 ? opts.websocket.authTimeout : opts.authTimeout;
}
