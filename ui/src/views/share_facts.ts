/**
 * What the connection shares with other programs (`[share]` in config.toml): the token folder,
 * the local API proxy and what it did since lexguard started. The same facts `status --json`
 * and `doctor` show; technical, so behind their own "Details". Absent without `[share]`.
 */

import type { Status } from "../bindings/Status";
import { show } from "../dom";
import { t } from "../i18n";
import { factRow, titledDetails } from "./common";

export interface ShareFacts {
  element: HTMLElement;
  render(s: Status): void;
}

export function shareFacts(): ShareFacts {
  const rows = {
    tokenDir: factRow("share.token_dir", "share-token-dir"),
    proxy: factRow("share.proxy", "share-proxy"),
    requests: factRow("share.requests", "share-requests"),
    lastError: factRow("share.last_error", "share-last-error"),
  };
  const list = document.createElement("dl");
  list.className = "facts";
  list.append(...Object.values(rows).map((r) => r.row));
  const element = titledDetails("status-share", "share.title", list);
  return {
    element,
    render(s: Status): void {
      const share = s.share ?? null;
      show(element, share !== null);
      if (!share) return;
      rows.tokenDir.value.textContent = share.token_dir ?? t("share.off");
      rows.proxy.value.textContent = share.proxy ?? t("share.off");
      rows.requests.value.textContent = t("share.counts", {
        requests: share.requests,
        waited: share.waited,
        rate_limited: share.rate_limited,
      });
      rows.lastError.value.textContent = share.last_error ?? t("common.none");
    },
  };
}
