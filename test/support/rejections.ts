/**
 * Collects the unhandled promise rejections of a test file: register in beforeAll/afterAll, then
 * assert the returned list is empty. A rejection nobody handled is a defect even when the answer
 * looked right.
 */
import { afterAll, beforeAll } from 'vitest';

export function collectUnhandledRejections(): unknown[] {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  beforeAll(() => void process.on('unhandledRejection', onRejection));
  afterAll(() => void process.off('unhandledRejection', onRejection));
  return rejections;
}
