/**
 * The service's entry point: reads the configuration, opens the database,
 * listens, and shuts down cleanly on SIGINT or SIGTERM.
 */
import { DB } from '@hallpass/db';
import type { buildApp as BuildApp } from './app.ts';
import { databaseOptions, describeDatabase, loadConfig, type Config } from './config.ts';
import { isPretty, listeningLine, serverLogger } from './logging.ts';
import { serverOptions } from './server-options.ts';
import { StartError, atMost, checkDataDir, databaseFailure, describeStartFailure, exitStatus, pluginFailure } from './start-failure.ts';

async function start(config: Config) {
  if (config.databaseUrl === undefined) await checkDataDir(config.dataDir);
  // The database opens while the app's modules load: much of an embedded database's
  // opening (reading its files, compiling its WebAssembly) happens off this thread.
  const opening = DB.open(databaseOptions(config));
  opening.catch(() => {}); // awaited below, after the modules: its failure is reported there
  const loading = import('./app.ts');
  loading.catch(() => {}); // the same, once the database is open
  const db = await opening.catch((error: unknown) => {
    throw databaseFailure(error, config);
  });
  // Whatever fails from here on, what was opened is closed before the process exits (in bounded time).
  const closeDb = () => atMost(db.close(), config.shutdownTimeoutMs);
  let buildApp: typeof BuildApp;
  try {
    ({ buildApp } = await loading);
    /* c8 ignore start - only a broken source file fails to load, and the tree under test has none */
  } catch (error) {
    await closeDb();
    console.error(error); // Node's own report: the file, the line and the stack
    throw new StartError("the server's modules failed to load (the error above says where)", exitStatus.failed, { cause: error });
  }
  /* c8 ignore stop */
  let app: Awaited<ReturnType<typeof BuildApp>>;
  try {
    app = await buildApp({
      db,
      logger: await serverLogger(config.logLevel, isPretty(config.logFormat, config.profile, process.stdout.isTTY === true)),
      bcryptCost: config.bcryptCost,
      bcryptMaxQueue: config.bcryptMaxQueue,
      profile: config.profile,
      security: config.security,
      server: serverOptions(config),
      mail: { smtpUrl: config.smtpUrl, from: config.mailFrom },
    });
  } catch (error) {
    await closeDb();
    throw pluginFailure(error, config);
  }
  app.addHook('onClose', () => db.close());
  // Past this many open connections the server refuses new ones, rather than slowing every client down.
  app.server.maxConnections = config.maxConnections;
  app.log.info({ database: describeDatabase(config), profile: config.profile }, 'database ready');
  try {
    await app.listen({ host: config.host, port: config.port, listenTextResolver: (address) => listeningLine(address, config.security.docs) });
  } catch (error) {
    await atMost(app.close(), config.shutdownTimeoutMs);
    throw error;
  }
  return app;
}

async function main(): Promise<void> {
  let app: Awaited<ReturnType<typeof start>>;
  let config: Config;
  try {
    config = loadConfig();
    app = await start(config);
  } catch (error) {
    const { line, status } = describeStartFailure(error);
    console.error(`hallpass cannot start: ${line}`);
    // Exit now: a client that keeps retrying in the background (a Redis client's reconnect timer) must not keep a failed start alive.
    process.exit(status);
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
