import type { MediaDiagnosis } from '@/lib/mastodon/media-verdict';
import { Badge } from '@/components/ui/badge';
import { STATUS_WORDS } from './fix-result';

function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {new Date(iso).toLocaleString()}
    </time>
  );
}

/** What is wrong with the media folder and the evidence: owner found and expected, mode, the probe, the log line. */
export function DiagnosisView({ diagnosis, testId }: { diagnosis: MediaDiagnosis; testId?: string }) {
  const { evidence, verdict } = diagnosis;
  const status = STATUS_WORDS[verdict.status];
  const ownerNames = `${evidence.found.user}:${evidence.found.group}`;
  return (
    <div className={`media-diagnosis media-${verdict.status}`} data-testid={testId} data-status={verdict.status}>
      <div className="media-verdict">
        <Badge tone={status.tone}>{status.word}</Badge>
        <strong>{verdict.title}</strong>
      </div>
      {verdict.problems.length > 0 ? (
        <ul className="media-problems">
          {verdict.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <dl className="facts media-facts">
        <dt>Container</dt>
        <dd className="mono">{evidence.container}</dd>
        <dt>Folder</dt>
        <dd>
          <span className="mono">{evidence.path}</span>
          {evidence.hostPath ? (
            <span className="muted">
              {' '}
              · on the host: <span className="mono">{evidence.hostPath}</span>
            </span>
          ) : null}
        </dd>
        <dt>Owner found</dt>
        <dd className="mono" data-testid="media-owner-found">
          {evidence.found.uid}:{evidence.found.gid}
          {ownerNames !== `${evidence.found.uid}:${evidence.found.gid}` ? ` (${ownerNames})` : ''}
        </dd>
        <dt>Expected</dt>
        <dd>
          <span className="mono" data-testid="media-owner-expected">
            {evidence.expected.uid}:{evidence.expected.gid}
          </span>{' '}
          <span className="muted">
            {evidence.expectedFrom === 'image'
              ? "(the image's mastodon user)"
              : '(default; the image has no mastodon user)'}
          </span>
        </dd>
        <dt>Mode</dt>
        <dd className="mono">{evidence.found.mode}</dd>
        <dt>Writable by Mastodon</dt>
        <dd data-testid="media-writable">
          {evidence.writable ? `yes (uid ${evidence.expected.uid})` : `no (uid ${evidence.expected.uid})`}
        </dd>
        <dt>Folder last changed</dt>
        <dd>
          <Time iso={evidence.found.changedAt} />
        </dd>
        <dt>Errno::EACCES in the log</dt>
        <dd data-testid="media-log">
          {evidence.log ? (
            <>
              {evidence.log.count} of the last {evidence.log.searched} lines; newest at <Time iso={evidence.log.at} />
              <pre className="output-block">{evidence.log.line}</pre>
            </>
          ) : (
            <span className="muted">none in the recent log</span>
          )}
        </dd>
      </dl>
      {verdict.notes.length > 0 ? (
        <ul className="media-notes muted">
          {verdict.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      <p className="muted small">
        Checked <Time iso={evidence.checkedAt} />.
      </p>
    </div>
  );
}
