/** A plan item's outcome (previewed or applied) as a coloured badge. */
import type { ItemResultJson } from '../api';

type Outcome = ItemResultJson['outcome'];

const TONE: Record<Outcome, 'good' | 'neutral' | 'warning' | 'problem'> = {
  filed: 'good',
  'would-file': 'good',
  'case-opened': 'good',
  'would-open-case': 'good',
  queued: 'good',
  'would-queue': 'good',
  'already-filed': 'neutral',
  'already-open': 'neutral',
  satisfied: 'neutral',
  'needs-case': 'warning',
  stale: 'problem',
  denied: 'problem',
  refused: 'problem',
  failed: 'problem',
};

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  return <span className={`badge badge-${TONE[outcome]}`}>{outcome}</span>;
}
