/**
 * Compare (`/compare`): two targets side by side, and the quotas where the destination is lower
 * raised to the source's values through a reviewed plan. The choices live in the URL; a compare
 * runs whenever the URL names both sides, so a shared link shows the same comparison.
 */
import { useCallback, useMemo, useState } from 'react';
import { type CompareParams, getCompare, getTargets } from '../api';
import { Checkbox } from '../components/checkbox';
import { CompareResults } from '../components/compare-results';
import { FilterSelect } from '../components/filter-select';
import { Empty, ErrorView, LoadingOrError } from '../components/status-views';
import { targetLabel } from '../format';
import { useApi } from '../hooks/use-api';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';

const SERVICES_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,63}$/;

/** "ec2, iam" as ['ec2', 'iam']; blanks dropped. */
function parseServices(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function ComparePage() {
  useTitle('Compare');
  const [params, setParams] = useQueryParams();
  const source = params.get('source') ?? '';
  const destination = params.get('destination') ?? '';
  const servicesParam = params.get('service') ?? '';
  const suppressDefaults = params.get('suppressDefaults') === 'true';

  const targets = useApi(getTargets);

  // The form edits a draft; Compare puts it in the URL, which is what runs.
  const [draft, setDraft] = useState({ source, destination, services: servicesParam, suppressDefaults });
  const [formError, setFormError] = useState<string | null>(null);
  // Bumped by "Read again from AWS": the next compare bypasses the cache.
  const [refreshRun, setRefreshRun] = useState(0);

  const query = useMemo<CompareParams | null>(
    () =>
      source === '' || destination === ''
        ? null
        : {
            source,
            destination,
            services: parseServices(servicesParam),
            suppressDefaults,
            refresh: refreshRun > 0,
          },
    [source, destination, servicesParam, suppressDefaults, refreshRun],
  );
  const load = useCallback(
    (signal: AbortSignal) =>
      query === null ? Promise.reject(new Error('no query')) : getCompare(query, signal),
    [query],
  );
  const compare = useApi(query === null ? null : load);

  const submit = () => {
    const services = parseServices(draft.services);
    if (draft.source === '' || draft.destination === '') {
      setFormError('Choose a source and a destination.');
      return;
    }
    if (draft.source === draft.destination) {
      setFormError('Choose two different targets.');
      return;
    }
    const bad = services.find((service) => !SERVICES_PATTERN.test(service));
    if (bad !== undefined) {
      setFormError(`"${bad}" is not a service code; write codes such as ec2, iam separated by commas.`);
      return;
    }
    setFormError(null);
    const unchanged =
      draft.source === source &&
      draft.destination === destination &&
      services.join(',') === servicesParam &&
      draft.suppressDefaults === suppressDefaults;
    // The same comparison again: ask again (the URL would not change, so nothing else would).
    if (unchanged) {
      compare.reload();
      return;
    }
    setRefreshRun(0);
    setParams({
      source: draft.source,
      destination: draft.destination,
      service: services.join(','),
      suppressDefaults: draft.suppressDefaults ? 'true' : null,
    });
  };

  const targetOptions =
    targets.state.status === 'ready'
      ? targets.state.data.targets.map((target) => ({ value: target.key, label: targetLabel(target) }))
      : [];

  return (
    <div className="page">
      <div className="page-header">
        <h1>Compare</h1>
        <p className="page-subtitle">
          Quotas of a source and a destination side by side; raise the destination&apos;s lower ones to the
          source&apos;s values.
        </p>
      </div>

      {targets.state.status === 'error' ? (
        <ErrorView error={targets.state.error} onRetry={targets.reload} />
      ) : null}

      <form
        className="filters"
        aria-label="Comparison"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <FilterSelect
          label="Source"
          value={draft.source}
          options={targetOptions}
          allLabel="Choose a target…"
          onChange={(value) => {
            setDraft((d) => ({ ...d, source: value }));
          }}
        />
        <FilterSelect
          label="Destination"
          value={draft.destination}
          options={targetOptions}
          allLabel="Choose a target…"
          onChange={(value) => {
            setDraft((d) => ({ ...d, destination: value }));
          }}
        />
        <label className="field">
          <span>Services</span>
          <input
            type="text"
            placeholder="All, or e.g. ec2, iam"
            value={draft.services}
            aria-describedby="services-help"
            onChange={(event) => {
              setDraft((d) => ({ ...d, services: event.target.value }));
            }}
          />
          <span id="services-help" className="visually-hidden">
            Service codes separated by commas; leave empty for every service.
          </span>
        </label>
        <Checkbox
          label="Suppress defaults"
          checked={draft.suppressDefaults}
          onChange={(checked) => {
            setDraft((d) => ({ ...d, suppressDefaults: checked }));
          }}
        />
        <button type="submit" className="button button-primary" disabled={targets.state.status === 'loading'}>
          Compare
        </button>
        {formError === null ? null : (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
      </form>

      {query === null ? (
        <Empty>
          <p>Choose a source and a destination, then Compare.</p>
        </Empty>
      ) : (
        // Only once there is something to compare: with nothing asked, useApi reports loading.
        <LoadingOrError
          state={compare.state}
          onRetry={compare.reload}
          detail="Reading both targets; this can take tens of seconds when their data is not cached."
        />
      )}
      {compare.state.status === 'ready' && query !== null ? (
        <CompareResults
          // A new comparison starts a new selection.
          key={`${query.source}|${query.destination}|${servicesParam}|${suppressDefaults}|${refreshRun}`}
          data={compare.state.data}
          source={query.source}
          destination={query.destination}
          refreshing={compare.refreshing}
          onRefresh={() => {
            setRefreshRun((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}
