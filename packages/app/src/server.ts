/**
 * The service's entry point: reads the configuration, opens the database,
 * listens, and shuts down cleanly on SIGINT or SIGTERM.
 */
import { DB, HallpassError } from '@hallpass/db';
import { buildApp } from './app.ts';
import { ConfigError, databaseOptions, describeDatabase, loadConfig, type Config } from './config.ts';
import { isPretty, listeningLine, serverLogger } from './logging.ts';
import { serverOptions } from './server-options.ts';

async function start(config: Config) {
  const db = await DB.open(databaseOptions(config));
  const app = await buildApp({
    db,
    logger: await serverLogger(config.logLevel, isPretty(config.logFormat, config.profile, process.stdout.isTTY === true)),
    bcryptCost: config.bcryptCost,
    profile: config.profile,
    security: config.security,
    server: serverOptions(config),
    redisUrl: config.redisUrl,
    mail: { smtpUrl: config.smtpUrl, from: config.mailFrom },
  });
  app.addHook('onClose', () => db.close());
  // Past this many open connections the server refuses new ones, rather than slowing every client down.
  app.server.maxConnections = config.maxConnections;
  app.log.info({ database: describeDatabase(config), profile: config.profile }, 'database ready');
  try {
    await app.listen({ host: config.host, port: config.port, listenTextResolver: (address) => listeningLine(address, config.security.docs) });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

/** Says why the service cannot start, in one line an operator can act on. */
function startFailure(error: unknown): string {
  if (error instanceof HallpassError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'the port is already in use: stop the other server or set PORT';
  /* c8 ignore next - a privileged port refuses only non-root users, and CI runs as root */
  if (code === 'EACCES') return 'not allowed to listen on that address or port: set HOST/PORT';
  return String(error);
}

async function main(): Promise<void> {
  let app: Awaited<ReturnType<typeof start>>;
  let config: Config;
  try {
    config = loadConfig();
    app = await start(config);
  } catch (error) {
    console.error(`hallpass cannot start: ${startFailure(error)}`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    return;
  }
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, drainLimitMs: config.shutdownTimeoutMs }, 'shutting down: no new connections, finishing requests in flight');
    // Requests that outlive the drain limit are abandoned: the process must stop in bounded time.
    setTimeout(() => {
      app.log.error({ drainLimitMs: config.shutdownTimeoutMs }, 'requests still in flight at the drain limit (SHUTDOWN_TIMEOUT_MS): exiting anyway');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      /* c8 ignore start - closing the pool or the embedded database failed: not something a test can provoke */
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
      /* c8 ignore stop */
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
