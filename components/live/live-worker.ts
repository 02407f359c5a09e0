import { StreamConnection } from './stream-connection';
import { TabRegistry, type TabToWorker, type WorkerToTab } from './tab-registry';

/**
 * The browser's one event stream, shared by all its tabs (a SharedWorker). Through an SSH tunnel the
 * browser allows six connections to the dashboard, so twelve tabs must not hold twelve streams.
 */
interface SharedWorkerScope {
  onconnect: ((event: MessageEvent) => void) | null;
  navigator: { locks?: LockManager };
}

const scope = self as unknown as SharedWorkerScope;

const connection: StreamConnection = new StreamConnection('/api/live', {
  message: (topic, message) => tabs.deliver(topic, message),
  state: (state) => tabs.broadcast(state),
});
const tabs = new TabRegistry<MessagePort>((topics, fresh) => connection.setTopics(topics, fresh));

scope.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  port.onmessage = (message: MessageEvent<TabToWorker>) => {
    const request = message.data;
    if (request.type === 'topics') tabs.show(port, request.topics, request.fresh);
    else if (request.type === 'close') tabs.remove(port);
    // A closing tab says so (pagehide), a crashed one cannot: its lock is released then, and granted here.
    else void scope.navigator.locks?.request(request.lock, () => tabs.remove(port));
  };
  port.start();
  port.postMessage({ type: 'state', state: connection.state } satisfies WorkerToTab);
};
