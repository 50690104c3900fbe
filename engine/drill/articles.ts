import type { Manifest } from "../backup/manifest";

/** A published PluXml article a backup holds, and the path its blog serves it at. */
export interface Article {
  /** The file in the data volume, e.g. articles/0001.home.001.202612071030.hello.xml. */
  file: string;
  /** `/index.php?article1/hello`: PluXml's own link to the article (plxMotor::urlRewrite without rewriting). */
  path: string;
}

// PluXml's article file name (plxMotor::artInfoFromFilename): id (a leading _ marks it unpublished),
// categories (draft among them for a draft), author, date (YYYYMMDDhhmm in the blog's time zone), url
// ([\w-]+: PluXml serves no other). An article only in categories the admin deactivated answers 404 too:
// the drill then reports it (a limit said in docs/operations.md).
const ARTICLE =
  /^articles\/(_?)(\d{4})\.((?:\d{3}|home|draft)(?:,(?:\d{3}|home|draft))*)\.\d{3}\.(\d{12})\.([\w-]+)\.xml$/;

/** YYYYMMDDhhmm of `now` in a time zone, as PluXml writes an article's date. */
export const pluxmlDate = (now: Date, timeZone: string): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}`;
};

/**
 * The articles a visitor of the restored blog must find: those of the blog's data volume in the archive
 * that are published (not a draft, not unpublished, not dated after `now` in the blog's time zone).
 */
export const publishedArticles = (m: Manifest, dataVolume: string, now: Date, timeZone: string): Article[] => {
  const today = pluxmlDate(now, timeZone);
  return m.files.flatMap((e) => {
    if (e.volume !== dataVolume || e.type !== "file") return [];
    const a = ARTICLE.exec(e.path);
    if (!a) return [];
    const [, hidden, id, categories, date, url] = a;
    if (hidden || categories!.split(",").includes("draft") || date! > today) return [];
    return [{ file: e.path, path: `/index.php?article${Number(id)}/${encodeURIComponent(url!)}` }];
  });
};
