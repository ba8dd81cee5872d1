// Reload on SIGHUP, the part outside the server (reload.go Reload): the configuration file is loaded
// again and the command-line flags are layered over it (flags keep precedence, as
// MergeOptions(newOpts, FlagSnapshot)); the server then applies the new Options as a diff
// (src/server/reload.ts). A file that does not load is an error too; either way the server keeps
// running on what it had. Reloads run one after the other (a SIGHUP during a reload waits for it).
import { loadConfig } from "../config/load.ts";
import { mergeOptions, type Options } from "../options.ts";
import { Reloader, ReloadError, type ApplyHooks } from "../server/reload.ts";
import type { Server } from "../server/server.ts";
import { loadTLSContext } from "../transport/tls/context.ts";

export { ReloadError };

export interface ReloadHooks extends ApplyHooks {
  /** The options given as flags, layered over every reload of the file. */
  flags: Partial<Options>;
  /** `-tls=false`: the file's tls block is dropped on every load (ConfigureOptions' tlsDisabled). */
  tlsDisabled?: boolean;
  /** Where the reloaded file's notes go (defaults to server.log.warn). */
  warn?(msg: string): void;
}

export class ConfigReloader {
  readonly reloader: Reloader;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly server: Server,
    readonly hooks: ReloadHooks,
  ) {
    this.reloader = new Reloader(server, hooks);
  }

  /** The configuration file again, flags over it, then ReloadOptions. Rejects with ReloadError, nothing changed. */
  reload(): Promise<void> {
    const next = this.pending.then(() => this.reloadNow());
    this.pending = next.catch(() => {});
    return next;
  }

  private async reloadNow(): Promise<void> {
    const server = this.server;
    const file = server.opts.configFile;
    if (file === "") throw new ReloadError("can only reload config when a file is provided using -c or --config");
    let newOpts: Options;
    try {
      const loaded = loadConfig(file);
      if (this.hooks.tlsDisabled === true) delete loaded.options.tls;
      newOpts = mergeOptions(loaded.options, this.hooks.flags);
      // The reference's loader builds the tls.Config, so unreadable or mismatched certificates fail
      // the reload before anything is applied.
      if (newOpts.tls !== undefined) loadTLSContext(newOpts.tls);
      // The reference drops its loader's warnings on reload (ProcessConfigFile returns the options);
      // bnats' own notes (keys it accepts but ignores) are still worth a line.
      const warn = this.hooks.warn ?? ((m: string) => server.log.warn(m));
      for (const n of loaded.notes) warn(n);
    } catch (e) {
      throw new ReloadError((e as Error).message);
    }
    await this.reloader.reloadOptions(newOpts);
  }
}
