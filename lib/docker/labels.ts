/** Docker's label blocks (`labels { label, value }`), from the one label set of lib/core/labels.ts. */
export function dockerLabels(labels: Record<string, string>): { label: string; value: string }[] {
  return Object.entries(labels).map(([label, value]) => ({ label, value }));
}
