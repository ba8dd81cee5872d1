// The INFO object a client receives on connect, with nats-server's JSON field names and omitempty rules
// (server.go `type Info struct`): optional fields are left undefined so JSON.stringify drops them.

export interface ServerInfo {
  server_id: string;
  server_name: string;
  version: string;
  proto: number;
  git_commit?: string;
  go: string;
  host: string;
  port: number;
  headers: boolean;
  auth_required?: boolean;
  tls_required?: boolean;
  tls_verify?: boolean;
  tls_available?: boolean;
  max_payload: number;
  jetstream?: boolean;
  ip?: string;
  client_id?: number;
  client_ip?: string;
  nonce?: string;
  cluster?: string;
  connect_urls?: string[];
  ldm?: boolean;
}
