import { useMemo, useState } from "react";
import { type AtlasPlant, atlasApi } from "../../api/atlas.js";
import { Legend } from "../../components/charts/Legend.js";
import { Loaded } from "../../components/Status.js";
import { type MapPoint, type MapView, MapViewPicker, WorldMap } from "../../components/WorldMap.js";
import { brandColor, STATUS_COLORS, STATUS_LABELS, statusColor } from "../../lib/colors.js";
import { link, navigate } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { ConflictList } from "./ConflictList.js";
import { PlantDetail } from "./PlantDetail.js";
import { WhereSearch } from "./WhereSearch.js";

const THIS_YEAR = new Date().getFullYear();

/** Where is it made? The network on a map, a plant's story with its sources, and the claims that disagree. */
export function AtlasView({ plantId }: { plantId?: string }) {
  const [year, setYear] = useState(THIS_YEAR);
  const [view, setView] = useState<MapView>("italy");
  const plants = useAsync((signal) => atlasApi.plants(year, signal), [year]);
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Atlas</h1>
          <p className="muted">Where the network's cars are made, per the sources. Click a plant.</p>
        </div>
        <label className="inline">
          Year
          <input
            type="number"
            min={1900}
            max={2100}
            value={year}
            onChange={(e) => Number(e.target.value) >= 1900 && setYear(Number(e.target.value))}
          />
        </label>
      </div>
      <div className="atlas-grid">
        <div>
          <section className="panel" aria-label="Map">
            <div className="row controls">
              <MapViewPicker view={view} onChange={setView} />
            </div>
            <Loaded state={plants}>
              {(list) => <PlantMap plants={list} selected={plantId} view={view} year={year} />}
            </Loaded>
          </section>
          <WhereSearch year={year} />
        </div>
        <div>
          {plantId ? (
            <PlantDetail plantId={plantId} year={year} />
          ) : (
            <section className="panel">
              <p className="muted">
                Choose a plant on the map or in the list to see what it builds, its history and sources.
              </p>
            </section>
          )}
          <Conflicts plantId={plantId} />
        </div>
      </div>
    </div>
  );
}

function PlantMap({
  plants,
  selected,
  view,
  year,
}: {
  plants: AtlasPlant[];
  selected?: string;
  view: MapView;
  year: number;
}) {
  const located = useMemo(() => plants.filter(hasCoordinates), [plants]);
  const unlocated = useMemo(() => plants.filter((p) => !hasCoordinates(p)), [plants]);
  const points = useMemo(() => located.map((p) => mapPoint(p, p.id === selected)), [located, selected]);
  const statuses = [...new Set(plants.map(statusOf))];
  // the focus brand's plants wear the brand's ring; status is the fill
  const focus = plants.find((p) => p.focusBrand)?.focusBrand;
  return (
    <>
      <WorldMap title={`Atlas map, ${year}`} points={points} view={view} height={560} />
      <Legend
        title="Status"
        items={statuses.map((s) => ({
          label: STATUS_LABELS[s] ?? s,
          color: statusColor(s),
        }))}
      />
      <Legend
        title="Marks"
        items={[
          ...(focus
            ? [
                {
                  label: `builds ${focus.name} in ${year} (or possibly)`,
                  color: brandColor(focus.id),
                  hollow: true,
                },
              ]
            : []),
          {
            label: "hollow: reference only, outside the network",
            color: STATUS_COLORS.unknown!,
            hollow: true,
          },
        ]}
      />
      <PlantList label="Plants" plants={located} selected={selected} />
      {unlocated.length > 0 && (
        <>
          <h3 className="small">Not on the map: no sourced coordinates</h3>
          <PlantList label="Plants without coordinates" plants={unlocated} selected={selected} />
        </>
      )}
    </>
  );
}

function hasCoordinates(p: AtlasPlant): p is AtlasPlant & { lat: number; lon: number } {
  return p.lat !== null && p.lon !== null;
}

function statusOf(p: AtlasPlant): string {
  return p.status ?? "unknown";
}

function mapPoint(p: AtlasPlant & { lat: number; lon: number }, selected: boolean): MapPoint {
  return {
    id: p.id,
    label: shortName(p.name),
    lon: p.lon,
    lat: p.lat,
    fill: statusColor(statusOf(p)),
    stroke: p.focusBrand ? brandColor(p.focusBrand.id) : undefined,
    radius: p.focusBrand ? 9 : 6,
    hollow: p.referenceOnly,
    selected,
    onSelect: () => navigate(link("atlas", "plant", p.id)),
  };
}

/** The name up to its first parenthesis or comma, so that labels stay short on a crowded map. */
function shortName(name: string): string {
  return name.split(/\s*[(,]/)[0] || name;
}

function PlantList({ label, plants, selected }: { label: string; plants: AtlasPlant[]; selected?: string }) {
  return (
    <ul className="plant-list" aria-label={label}>
      {plants.map((p) => (
        <li key={p.id}>
          <button
            type="button"
            aria-pressed={p.id === selected}
            onClick={() => navigate(link("atlas", "plant", p.id))}
          >
            <span className="dot" style={{ background: statusColor(statusOf(p)) }} />
            {p.name}
            <span className="muted small">{plantSummary(p)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** "active · Stellantis · Alfa Romeo, Maserati (possibly Fiat)" */
function plantSummary(p: AtlasPlant): string {
  const brands = p.brands.map((b) => b.name).join(", ");
  const possible = p.possibleBrands.map((b) => b.name).join(", ");
  return [
    STATUS_LABELS[statusOf(p)] ?? statusOf(p),
    p.owner && shortName(p.owner.name),
    [brands, possible && `(possibly ${possible})`].filter(Boolean).join(" "),
    p.referenceOnly ? "reference only" : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

function Conflicts({ plantId }: { plantId?: string }) {
  const [all, setAll] = useState(false);
  const state = useAsync(async (signal) => {
    const [conflicts, sources] = await Promise.all([atlasApi.conflicts(signal), atlasApi.sources(signal)]);
    return { conflicts, sources: new Map(sources.map((s) => [s.id, s])) };
  }, []);
  return (
    <section className="panel" aria-label="Conflicts">
      <h2>Conflicting claims</h2>
      {plantId && (
        <label className="inline small">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show all, not
          only this plant's
        </label>
      )}
      <Loaded state={state}>
        {({ conflicts, sources }) => (
          <ConflictList
            conflicts={
              plantId && !all ? conflicts.filter((c) => c.subject === `plant:${plantId}`) : conflicts
            }
            sources={sources}
          />
        )}
      </Loaded>
    </section>
  );
}
