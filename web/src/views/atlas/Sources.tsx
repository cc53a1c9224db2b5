import type { Source } from "../../api/atlas.js";

/** "carsales.com.au ~2017; NewsBytes 2025-10-21" with each linking to the page (opened by the user only). */
export function Sources({ sources }: { sources: Source[] }) {
  if (sources.length === 0) return null;
  return (
    <span className="sources">
      {sources.map((s, i) => (
        <span key={s.id}>
          {i > 0 && "; "}
          <a href={s.url} target="_blank" rel="noreferrer noopener" title={`${s.title} (${s.kind})`}>
            {s.publisher} {s.dateIsApproximate ? "~" : ""}
            {s.date}
          </a>
        </span>
      ))}
    </span>
  );
}
