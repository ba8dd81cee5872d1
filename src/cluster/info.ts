// The route INFO (server.go Info, the fields routes send and read).
import type { SubjectPermission } from "../options.ts";

/** The INFO a route peer sends (server.go Info, the fields routes use). */
export interface RouteInfo {
  server_id: string;
  server_name: string;
  version: string;
  proto: number;
  go: string;
  host: string;
  port: number;
  headers: boolean;
  auth_required?: boolean;
  tls_required?: boolean;
  tls_verify?: boolean;
  max_payload: number;
  jetstream?: boolean;
  ip?: string;
  nonce?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  connect_urls?: string[];
  ws_connect_urls?: string[];
  ldm?: boolean;
  import?: SubjectPermission;
  export?: SubjectPermission;
  lnoc?: boolean;
  gateway?: string;
  gateway_url?: string;
  leafnode_urls?: string[];
}

