import type { FieldType, FieldValue } from './telegraf-model.mjs';

export declare function escapeKey(text: string): string;
export declare function formatField(name: string, type: FieldType, value: FieldValue): string;
export declare function linePrefix(series: {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
}): string;
