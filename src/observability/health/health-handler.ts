/**
 * `healthHandler()`: the process-wide health check as an HTTP handler for `node:http`, Express
 * and Fastify alike. It answers JSON (the `HealthReport`), 200 unless the report is
 * `unhealthy`, then 503, and is never cached by proxies.
 *
 * What 503 means: a cache backend is down or bypassed. The service still answers (uncached),
 * so point a readiness probe at this only if instances should leave rotation then; a liveness
 * probe should not (restarting the process does not bring Redis back).
 */
import { checkHealth } from './health-check';
import { resolveHealthOptions, type HealthCheckOptions, type HealthReport } from './health-report';

/** A `node:http` `ServerResponse` (Express's `res` is one). */
export interface NodeHealthResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** A Fastify `reply`. */
export interface FastifyHealthReply {
  readonly raw: unknown;
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  send(payload?: string): unknown;
}

/** The handler: `(req, res)` for node:http and Express, `(request, reply)` for Fastify. */
export type HealthHandler = (request: unknown, response: NodeHealthResponse | FastifyHealthReply) => Promise<void>;

const isFastifyReply = (response: NodeHealthResponse | FastifyHealthReply): response is FastifyHealthReply =>
  'raw' in response && typeof (response as FastifyHealthReply).code === 'function' && typeof (response as FastifyHealthReply).send === 'function';

/** What a HEAD request asks: headers only. */
const isHead = (request: unknown): boolean => (request as { method?: unknown } | null)?.method === 'HEAD';

/** An HTTP handler answering the process-wide `checkHealth(options)` (default level `basic`). */
export function healthHandler(options: HealthCheckOptions = {}): HealthHandler {
  // Bad options fail here, where the route is set up, not on the first probe.
  resolveHealthOptions(options);
  return async (request, response) => {
    let report: HealthReport | { status: 'unhealthy'; healthy: false; error: string };
    try {
      report = await checkHealth(options);
    } catch (error) {
      report = { status: 'unhealthy', healthy: false, error: error instanceof Error ? error.message : String(error) };
    }
    const statusCode = report.status === 'unhealthy' ? 503 : 200;
    const body = isHead(request) ? undefined : JSON.stringify(report);
    if (isFastifyReply(response)) {
      response.code(statusCode);
      response.header('content-type', 'application/json; charset=utf-8');
      response.header('cache-control', 'no-store');
      response.send(body);
      return;
    }
    response.statusCode = statusCode;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('cache-control', 'no-store');
    response.end(body);
  };
}
