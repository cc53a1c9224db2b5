import { useEffect, useState } from "react";

/**
 * A small hash router: "#/results/abc?tab=map" → { path: ["results", "abc"], query: {tab: "map"} }.
 * Hash routes need no server support beyond serving index.html, and survive a reload.
 */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [pathPart = "", queryPart = ""] = hash.replace(/^#\/?/, "").split("?");
  return {
    path: pathPart.split("/").filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(queryPart),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** Builds an href: link("results", runId) → "#/results/<runId>". */
export function link(...parts: (string | number)[]): string {
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join("/")}`;
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, "");
}
