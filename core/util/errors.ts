/** A one-line description of any thrown value, for traces and reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
