/** Which engine events the history records, and what each one means for it. Pure. */
import { LABELS } from '../core/labels.ts';
import type { EngineEvent, Labels } from '../engine/contract.ts';
import { HELPER_IMAGE } from '../engine/helper-containers.ts';

export type RecordedEvent =
  | {
      kind: 'volume';
      action: 'create' | 'destroy' | 'mount' | 'unmount';
      volume: string;
      /** Mount and unmount: the container that (un)mounted it. */
      containerId: string | undefined;
      /** Mount only: where. */
      destination: string | undefined;
      readOnly: boolean | undefined;
    }
  | {
      kind: 'container';
      action: 'create' | 'destroy';
      id: string;
      name: string;
      image: string;
      helper: boolean;
    };

const VOLUME_ACTIONS = new Set(['create', 'destroy', 'mount', 'unmount']);
const CONTAINER_ACTIONS = new Set(['create', 'destroy']);
const HELPER_IMAGE_REPOSITORY = `${HELPER_IMAGE.slice(0, HELPER_IMAGE.lastIndexOf(':'))}:`;

/** @returns what the event means to the history, or undefined for every other event. */
export function recordedEvent(event: EngineEvent): RecordedEvent | undefined {
  if (event.type === 'volume' && VOLUME_ACTIONS.has(event.action) && event.id) {
    const rw = event.attributes['read/write'];
    return {
      kind: 'volume',
      action: event.action as 'create' | 'destroy' | 'mount' | 'unmount',
      volume: event.id,
      containerId: event.attributes.container || undefined,
      destination: event.attributes.destination || undefined,
      readOnly: rw === undefined ? undefined : rw === 'false',
    };
  }
  if (event.type === 'container' && CONTAINER_ACTIONS.has(event.action) && event.id) {
    const image = event.attributes.image ?? '';
    return {
      kind: 'container',
      action: event.action as 'create' | 'destroy',
      id: event.id,
      name: event.attributes.name ?? event.id.slice(0, 12),
      image,
      // Container events carry the container's labels among their attributes.
      helper: isHelper(event.attributes, image),
    };
  }
  return undefined;
}

/** Stowage's own helper containers: labelled, made from Stowage's image; never a user of a volume. */
export function isHelper(labels: Labels, image: string): boolean {
  return labels[LABELS.helper] !== undefined || image.startsWith(HELPER_IMAGE_REPOSITORY);
}

/** An event's identity, so that replaying it (the engine's `since` is inclusive) records nothing twice. */
export function eventKey(event: EngineEvent): string {
  const { container = '', destination = '' } = event.attributes;
  return `${event.timeNano}/${event.type}/${event.action}/${event.id}/${container}/${destination}`;
}
