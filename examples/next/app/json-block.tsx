/** A value as indented JSON (React escapes it). */
export function JsonBlock({ value, testId }: { value: unknown; testId: string }) {
  return (
    <div data-testid={testId}>
      <pre className="json">{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}
