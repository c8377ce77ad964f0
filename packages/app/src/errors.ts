import { HallpassError } from '@hallpass/db';

/** `POST /sessions` with an email and password that do not match an account. */
export class InvalidCredentialsError extends HallpassError {
  constructor() {
    super('ERR_INVALID_CREDENTIALS', 'wrong email or password');
  }
}

/** A route that needs a session got no `session_id` cookie, or one that matches no session. */
export class NoSessionError extends HallpassError {
  constructor() {
    super('ERR_NO_SESSION', 'no valid session: log in first (POST /sessions)');
  }
}

/**
 * A rate limit cannot count the request: Redis does not answer, or the memory
 * counter holds as many live counts as it may. The request is refused (503 with
 * `Retry-After`) rather than let through uncounted: the limits fail closed.
 */
export class RateLimitsUnavailableError extends HallpassError {
  /** When to try again, in whole seconds: the `Retry-After` of the answer. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super('ERR_RATE_LIMITS_UNAVAILABLE', message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `REDIS_URL` names a server that did not answer at start-up: the service does not start without its shared counts. */
export class RedisUnavailableError extends HallpassError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_REDIS_UNAVAILABLE', message, options);
  }
}
