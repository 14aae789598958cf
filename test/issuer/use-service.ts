/*
 * The service a describe block's tests share: started before them, closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { startService, type Engine, type StartOptions, type TestService } from './harness.js';

/**
 * Starts a service on `engine` before the tests of the calling describe block and closes it
 * after them.
 * @returns the service, for the tests (not before they run).
 */
export function useService(engine: Engine, options?: StartOptions): () => TestService {
  let service: TestService | undefined;
  beforeAll(async () => {
    service = await startService(engine, options);
  });
  afterAll(async () => {
    await service?.close();
  });
  return () => {
    if (service === undefined)
      throw new Error('the service starts before the tests: use it in one');
    return service;
  };
}
