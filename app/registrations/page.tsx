import { RegistrationsPanel } from '@/components/registrations/registrations-form';
import { requireSession } from '@/lib/auth/guard';
import { readRegistrationSettings } from '@/lib/mastodon/registrations';

export const dynamic = 'force-dynamic';

export default async function RegistrationsPage() {
  await requireSession();
  const report = await readRegistrationSettings();
  return (
    <section className="panel registrations" aria-labelledby="registrations-title">
      <h1 id="registrations-title">Registrations</h1>
      <p className="muted small">
        Who can create an account on this server. Changes are written to Mastodon&apos;s settings table and its cached
        copy is dropped, so the running Mastodon uses the new mode at once.
      </p>
      <RegistrationsPanel initial={report} />
    </section>
  );
}
