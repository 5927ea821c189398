/**
 * Today's media-exposure time: how long this user had pixels on screen (thumbnails switched on,
 * a peek held, an image revealed). Kept in this browser only and shown only to this user; the
 * server's audit log has the reveals, never this total (UI brief §3, pacing and support).
 */
import { useEffect, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const active = new Set<string>();
let user = 'anonymous';
let seconds = 0;
let day = '';
let timer: number | undefined;

const today = () => new Date().toISOString().slice(0, 10);
const storageKey = () => `crosslink.exposure.${user}`;

function load(): void {
  day = today();
  seconds = 0;
  try {
    const stored = JSON.parse(window.localStorage.getItem(storageKey()) ?? 'null') as { day: string; seconds: number } | null;
    if (stored && stored.day === day) seconds = stored.seconds;
  } catch {
    // a broken entry counts as none
  }
}

function save(): void {
  try {
    window.localStorage.setItem(storageKey(), JSON.stringify({ day, seconds }));
  } catch {
    // private mode: the timer still runs for this page
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

function tick(): void {
  if (today() !== day) load();
  seconds += 1;
  save();
  notify();
}

export function setExposureUser(name: string): void {
  user = name;
  load();
  notify();
}

/** Counts exposure while `on` is true, under `reason` (several screens may expose at once; time counts once). */
export function useExposure(reason: string, on: boolean): void {
  useEffect(() => {
    if (!on) return;
    active.add(reason);
    if (timer === undefined) timer = window.setInterval(tick, 1000);
    notify();
    return () => {
      active.delete(reason);
      if (active.size === 0 && timer !== undefined) {
        window.clearInterval(timer);
        timer = undefined;
      }
      notify();
    };
  }, [reason, on]);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useExposureSeconds(): { seconds: number; exposing: boolean } {
  const total = useSyncExternalStore(subscribe, () => seconds);
  const exposing = useSyncExternalStore(subscribe, () => active.size > 0);
  return { seconds: total, exposing };
}

export function formatMinutes(total: number): string {
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return `${minutes}:${String(rest).padStart(2, '0')}`;
}
