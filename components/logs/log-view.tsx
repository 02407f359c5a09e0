'use client';

import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import { renderText, text } from '@/lib/i18n/text';

import type { Tone } from '@/components/containers/format';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import {
  appendLogLines,
  filterLogLines,
  formatLogText,
  logLineKey,
  type LogFollowState,
  type LogLine,
  type LogsMessage,
} from '@/lib/docker/log-types';
import type { ContainerLogsData } from '@/lib/panels/logs';
import {
  lineLevel,
  recogniseLine,
  summariseFindings,
  type LineLevel,
  type LogFinding,
  type LogRecogniser,
  type LogSeverity,
} from '@/lib/mastodon/log-recognisers';
import type { PanelResult } from '@/lib/panels/panel';
import { useLiveTopic } from '@/components/live/use-live-topic';
import { logsTopicKey } from '@/lib/live/topic-keys';
import styles from './log-view.module.css';

/** Lines kept in the browser; older ones leave as new ones arrive. */
export const MAX_VIEW_LINES = 2000;
/** How close to the end counts as "at the bottom" (then new lines scroll into view). */
const BOTTOM_SLACK_PX = 24;

type ViewLine = LogLine & { recogniser?: LogRecogniser; level: LineLevel };
type FollowView = LogFollowState | { state: 'paused' } | { state: 'reconnecting' };

function decorate(line: LogLine): ViewLine {
  const recogniser = recogniseLine(line.text);
  return { ...line, ...(recogniser ? { recogniser } : {}), level: lineLevel(line, recogniser) };
}

const SEVERITY_TONE: Record<LogSeverity, Tone> = { error: 'bad', warning: 'warn', info: 'neutral' };

function clock(at: string): string {
  return at.slice(11, 23);
}

const FOLLOW_TONE: Record<FollowView['state'], Tone> = {
  following: 'good',
  connecting: 'neutral',
  reconnecting: 'warn',
  paused: 'neutral',
  stopped: 'warn',
  unavailable: 'bad',
  refused: 'bad',
};

const Line = memo(function Line({ line }: { line: ViewLine }) {
  const { recogniser } = line;
  const t = useTranslations();
  return (
    <div
      className={styles.line}
      data-testid="log-line"
      data-level={line.level}
      data-stream={line.stream}
      data-recognised={recogniser?.id}
    >
      <time className={styles.time} dateTime={line.at} title={line.at}>
        {clock(line.at)}
      </time>
      <span className={styles.text}>
        {line.stream === 'stderr' ? <span className={styles.stream}>{t('logs.stderr')} </span> : null}
        {line.text}
      </span>
      {recogniser ? (
        <span
          className={styles.recognised}
          title={renderText(t, recogniser.diagnosis)}
          aria-describedby={`log-finding-${recogniser.id}`}
        >
          <Badge tone={SEVERITY_TONE[recogniser.severity]}>
            <TranslatedText text={recogniser.title} />
          </Badge>
          {recogniser.fix ? (
            <a className={styles.fix} href={recogniser.fix.href} data-testid="log-fix">
              <TranslatedText text={recogniser.fix.label} />
            </a>
          ) : null}
        </span>
      ) : null}
    </div>
  );
});

function Findings({ findings }: { findings: LogFinding[] }) {
  const t = useTranslations('logs.findings');
  if (findings.length === 0) {
    return (
      <p className="muted small" data-testid="log-findings-none">
        {t('none')}
      </p>
    );
  }
  return (
    <ul className={styles.findings} data-testid="log-findings" aria-label={t('label')}>
      {findings.map((finding) => (
        <li
          key={finding.id}
          className={styles.finding}
          data-testid="log-finding"
          data-finding={finding.id}
          data-severity={finding.severity}
        >
          <div className={styles.findingHead}>
            <Badge tone={SEVERITY_TONE[finding.severity]}>
              <TranslatedText text={finding.title} />
            </Badge>
            <span className="small muted">
              {t('count', { count: finding.count })}
              {finding.firstAt && finding.lastAt && finding.count > 1
                ? t('span', { first: clock(finding.firstAt), last: clock(finding.lastAt) })
                : finding.lastAt
                  ? t('at', { last: clock(finding.lastAt) })
                  : ''}
              {finding.peak && finding.peak.count > 1
                ? t('peak', { count: finding.peak.count, seconds: finding.peak.seconds })
                : ''}
            </span>
            {finding.fix ? (
              <a className={styles.fix} href={finding.fix.href} data-testid="log-finding-fix">
                <TranslatedText text={finding.fix.label} />
              </a>
            ) : null}
          </div>
          <p className={styles.diagnosis} id={`log-finding-${finding.id}`}>
            <TranslatedText text={finding.diagnosis} />
          </p>
        </li>
      ))}
    </ul>
  );
}

/**
 * One container's log: the server-rendered last lines, then a live follow over the event stream
 * (its logs topic), with a filter shared by the view and the download, error lines highlighted, and
 * known problems marked with their diagnosis and, where one exists, the page that fixes them.
 */
export function LogView({ container, initial }: { container: string; initial: PanelResult<ContainerLogsData> }) {
  const t = useTranslations('logs');
  const translate = useTranslations();
  const [lines, setLines] = useState<ViewLine[]>(() =>
    initial.ok ? initial.data.lines.slice(-MAX_VIEW_LINES).map(decorate) : [],
  );
  const [following, setFollowing] = useState(true);
  const [followed, setFollow] = useState<FollowView>({ state: 'connecting' });
  const [filter, setFilter] = useState('');
  const [dropped, setDropped] = useState(0);
  const boxRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const sidekiqHealthcheck = initial.ok ? initial.data.sidekiqHealthcheck : undefined;

  // A new container or a pause starts the follow's state over; set while rendering, not in an effect, so
  // that no frame shows the old state (react.dev, "Adjusting some state when a prop changes").
  const [followedFor, setFollowedFor] = useState({ following, container });
  if (followedFor.following !== following || followedFor.container !== container) {
    setFollowedFor({ following, container });
    setFollow(following ? { state: 'connecting' } : { state: 'paused' });
  }
  const connection = useLiveTopic<LogsMessage>(following ? logsTopicKey(container) : undefined, (message) => {
    const add = (incoming: LogLine[]) => {
      if (incoming.length > 0) setLines((previous) => appendLogLines(previous, incoming.map(decorate), MAX_VIEW_LINES));
    };
    if (message.type === 'lines') {
      add(message.lines);
      if (message.dropped) setDropped((count) => count + (message.dropped ?? 0));
      return;
    }
    if (message.type === 'snapshot') add(message.lines);
    setFollow(message.follow);
  });

  const shown = useMemo(() => filterLogLines(lines, filter), [lines, filter]);
  const findings = useMemo(
    () => summariseFindings(lines, sidekiqHealthcheck ? { sidekiqHealthcheck } : {}),
    [lines, sidekiqHealthcheck],
  );

  const onScroll = useCallback(() => {
    const box = boxRef.current;
    if (box) atBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight <= BOTTOM_SLACK_PX;
  }, []);

  useLayoutEffect(() => {
    const box = boxRef.current;
    if (box && atBottom.current) box.scrollTop = box.scrollHeight;
  }, [shown]);

  const download = () => {
    const blob = new Blob([formatLogText(shown)], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `${container}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  // While the stream is down the last known state would be stale; 'refused' is final whatever the stream does.
  const follow: FollowView =
    !following || followed.state === 'refused'
      ? followed
      : connection === 'signed-out'
        ? {
            state: 'refused',
            error: {
              code: 'unauthorized',
              title: text('logs.errors.signedOut.title'),
              detail: text('logs.errors.signedOut.detail'),
            },
          }
        : connection === 'reconnecting'
          ? { state: 'reconnecting' }
          : followed;
  const followDetail =
    follow.state === 'stopped'
      ? renderText(translate, follow.detail)
      : follow.state === 'unavailable' || follow.state === 'refused'
        ? t('follow.detail', {
            title: renderText(translate, follow.error.title),
            detail: renderText(translate, follow.error.detail),
          })
        : undefined;

  return (
    <section
      className={`panel ${styles.root}`}
      aria-labelledby="log-title"
      data-testid="log-view"
      data-container={container}
    >
      <header className="panel-head">
        <h1 id="log-title">{t('title', { container })}</h1>
        <span className={styles.status} data-testid="log-follow-state" data-state={follow.state}>
          <Badge tone={FOLLOW_TONE[follow.state]}>{t(`follow.${follow.state}`)}</Badge>
          {followDetail ? <span className="small muted">{followDetail}</span> : null}
        </span>
      </header>

      {initial.ok ? null : <ErrorBox error={initial.error} note={t('errorNote')} testId="log-error" />}

      <Findings findings={findings} />

      <div className={styles.toolbar}>
        <label className={styles.filter}>
          <span>{t('filter')}</span>
          <input
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            placeholder={t('filterPlaceholder')}
            maxLength={200}
            data-testid="log-filter"
          />
        </label>
        <button
          type="button"
          className="secondary small-button"
          aria-pressed={following}
          onClick={() => setFollowing((on) => !on)}
          data-testid="log-follow"
          data-state={following ? 'on' : 'off'}
        >
          {following ? t('follow.on') : t('follow.off')}
        </button>
        <button
          type="button"
          className="secondary small-button"
          onClick={download}
          disabled={shown.length === 0}
          data-testid="log-download"
        >
          {t('download', { filtered: filter ? 'true' : 'false' })}
        </button>
        <span className="small muted" data-testid="log-count">
          {filter
            ? t('count.filtered', { shown: shown.length, total: lines.length })
            : t('count.all', { total: lines.length })}
          {lines.length >= MAX_VIEW_LINES ? t('count.kept', { max: MAX_VIEW_LINES }) : ''}
          {dropped > 0 ? t('count.dropped', { dropped }) : ''}
          {initial.ok && initial.data.truncated ? t('count.truncated') : ''}
        </span>
      </div>

      <div
        className={styles.box}
        ref={boxRef}
        onScroll={onScroll}
        data-testid="log-lines"
        role="log"
        aria-live="off"
        tabIndex={0}
      >
        {shown.length === 0 ? (
          <p className="muted small">{lines.length === 0 ? t('noLines') : t('noMatch')}</p>
        ) : (
          shown.map((line) => <Line key={logLineKey(line)} line={line} />)
        )}
      </div>
      <p className="small muted">{t('utcNote')}</p>
    </section>
  );
}
