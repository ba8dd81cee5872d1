// Remote syslog for the logger (-r / remote_syslog): logger/syslog.go NewRemoteSysLogger over Go's
// log/syslog wire format, on udp or tcp. Local syslog (/dev/log) needs a unix datagram socket,
// which Bun cannot open without a native addon: the logger warns and uses stderr instead.

import type { Socket as UdpSocket } from "node:dgram";
import type * as NodeDgram from "node:dgram";
import type { Socket as TcpSocket } from "node:net";
import type * as NodeNet from "node:net";
import type * as NodeOs from "node:os";

const pad2 = (n: number): string => (n < 10 ? "0" + n : String(n));

/** A remote syslog (logger/syslog.go NewRemoteSysLogger, Go's log/syslog wire format). */
export class SyslogSink {
  private udp?: UdpSocket;
  private tcp?: TcpSocket;
  private readonly host: string;
  private readonly port: number;
  private readonly hostname = (require("node:os") as typeof NodeOs).hostname();

  constructor(
    url: URL,
    private readonly tag: string,
    private readonly pid: number,
  ) {
    this.host = url.hostname.replace(/^\[|\]$/g, "");
    this.port = Number(url.port || 514);
    if (url.protocol === "udp:") {
      this.udp = (require("node:dgram") as typeof NodeDgram).createSocket(this.host.includes(":") ? "udp6" : "udp4");
      this.udp.unref();
    } else {
      this.tcp = (require("node:net") as typeof NodeNet).createConnection({ host: this.host, port: this.port });
      this.tcp.on("error", () => {});
      this.tcp.unref();
    }
  }

  write(severity: number, msg: string): void {
    // syslog.Dial(network, addr, LOG_DEBUG, tag): facility 0; "<pri>RFC3339 host tag[pid]: msg\n".
    const nl = msg.endsWith("\n") ? "" : "\n";
    const line = `<${severity}>${rfc3339(new Date())} ${this.hostname} ${this.tag}[${this.pid}]: ${msg}${nl}`;
    if (this.udp) this.udp.send(line, this.port, this.host);
    else this.tcp?.write(line);
  }

  close(): void {
    this.udp?.close();
    this.tcp?.end();
  }
}

function rfc3339(d: Date): string {
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? "Z" : `${off > 0 ? "+" : "-"}${pad2(Math.floor(Math.abs(off) / 60))}:${pad2(Math.abs(off) % 60)}`;
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}${zone}`
  );
}
