import { useTranslations } from 'next-intl';
import { Suspense, type ReactNode } from 'react';

import { doctorPanel } from '@/lib/panels/doctor';
import { healthPanel } from '@/lib/panels/health';
import { peoplePanel } from '@/lib/panels/people';
import { sidekiqPanel } from '@/lib/panels/sidekiq';
import { storagePanel } from '@/lib/panels/storage';

import { DoctorPanel } from './doctor-panel';
import { HealthPanel } from './health-panel';
import { PeoplePanel } from './people-panel';
import { SidekiqPanel } from './sidekiq-panel';
import { StoragePanel } from './storage-panel';

/*
 * Each vital-signs panel is its own streamed part of the page: the page answers at once, and a slow or
 * hanging backend holds up only the panel that needs it.
 */

function Loading({ title, testId }: { title: string; testId: string }) {
  const t = useTranslations('vitals');
  return (
    <section className="panel" aria-busy="true" data-testid={`${testId}-loading`}>
      <header className="panel-head">
        <h2>{title}</h2>
        <span className="muted small">{t('loading')}</span>
      </header>
    </section>
  );
}

function Streamed({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return <Suspense fallback={<Loading title={title} testId={testId} />}>{children}</Suspense>;
}

async function Health() {
  return <HealthPanel initial={await healthPanel()} />;
}
async function Sidekiq() {
  return <SidekiqPanel initial={await sidekiqPanel()} />;
}
async function People() {
  return <PeoplePanel initial={await peoplePanel()} />;
}
async function Storage() {
  return <StoragePanel initial={await storagePanel()} />;
}
async function Doctor() {
  return <DoctorPanel initial={await doctorPanel()} />;
}

export function VitalSigns() {
  const t = useTranslations('vitals');
  return (
    <div className="vitals-grid" data-testid="vital-signs">
      <Streamed title={t('health.title')} testId="health-panel">
        <Health />
      </Streamed>
      <Streamed title={t('people.title')} testId="people-panel">
        <People />
      </Streamed>
      <Streamed title={t('sidekiq.title')} testId="sidekiq-panel">
        <Sidekiq />
      </Streamed>
      <Streamed title={t('storage.title')} testId="storage-panel">
        <Storage />
      </Streamed>
    </div>
  );
}

export function ConfigDoctor() {
  const t = useTranslations('vitals');
  return (
    <Streamed title={t('doctor.title')} testId="doctor-panel">
      <Doctor />
    </Streamed>
  );
}
