import type { ErrorView } from '@/lib/errors';

/** How every panel says what is wrong: the fault, the cause, and what to do about it. */
export function ErrorBox({ error, note, testId }: { error: ErrorView; note?: string; testId?: string }) {
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <strong className="error-title">{error.title}</strong>
      <p>{error.detail}</p>
      {error.fix ? <p className="error-fix">Fix: {error.fix}</p> : null}
      {note ? <p className="muted">{note}</p> : null}
    </div>
  );
}
