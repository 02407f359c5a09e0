/** Published ports: none for db and redis, loopback only for the rest. */
import { text, type Text } from '@/lib/i18n/text';

import type { ComposePort } from '../../compose-file';
import type { DoctorCheck, DoctorContext } from '../check';
import { isBackend } from '../compose-view';
import type { Finding } from '../types';

function isEveryInterface(port: ComposePort): boolean {
  return (
    port.hostIp === undefined ||
    port.hostIp === '' ||
    port.hostIp === '0.0.0.0' ||
    port.hostIp === '::' ||
    port.hostIp === '[::]'
  );
}

function describePort(port: ComposePort): Text {
  return text('doctor.ports.port', {
    random: port.published === undefined ? 'yes' : 'no',
    published: String(port.published ?? ''),
    target: String(port.target),
    protocol: port.protocol === 'tcp' ? '' : `/${port.protocol}`,
  });
}

function commaList(items: readonly Text[]): Text | string {
  const [first, ...rest] = items;
  if (!first) return '';
  return rest.reduce<Text>((head, next) => text('doctor.words.comma', { head, next }), first);
}

function portFindings(ctx: DoctorContext): Finding[] {
  if (!ctx.compose) return [];
  const findings: Finding[] = [];
  let published = 0;
  for (const service of ctx.compose.services) {
    if (service.ports.length === 0) continue;
    published += service.ports.length;
    const backendKind = isBackend('db', service) ? 'db' : isBackend('redis', service) ? 'redis' : undefined;
    if (backendKind) {
      const open = service.ports.filter(isEveryInterface);
      findings.push({
        id: 'port-backend-published',
        severity: 'error',
        service: service.name,
        title: text('doctor.ports.backend.title', {
          service: service.name,
          count: service.ports.length,
          open: open.length > 0 ? 'yes' : 'no',
        }),
        why: text('doctor.ports.backend.why', {
          service: service.name,
          risk: backendKind === 'db' ? text('doctor.ports.backend.riskDb') : text('doctor.ports.backend.riskRedis'),
          open: open.length > 0 ? 'yes' : 'no',
        }),
        fix: text('doctor.ports.backend.fix', { service: service.name, composeFile: ctx.composeName }),
      });
      continue;
    }
    const open = service.ports.filter(isEveryInterface);
    if (open.length > 0) {
      findings.push({
        id: 'port-public',
        severity: 'warning',
        service: service.name,
        title: text('doctor.ports.public.title', { service: service.name, ports: commaList(open.map(describePort)) }),
        why: text('doctor.ports.public.why', { service: service.name }),
        fix: text('doctor.ports.public.fix', {
          published: String(open[0]?.published ?? open[0]?.target),
          target: String(open[0]?.target),
        }),
      });
    }
  }
  if (findings.length === 0) {
    findings.push({
      id: 'ports-ok',
      severity: 'ok',
      title: published === 0 ? text('doctor.ports.ok.titleNone') : text('doctor.ports.ok.title'),
      why: published === 0 ? text('doctor.ports.ok.whyNone') : text('doctor.ports.ok.why'),
    });
  }
  return findings;
}

export const portsCheck: DoctorCheck = { name: 'ports', run: portFindings };
