/**
 * What PluXml's install form offers, copied from the release recette builds (images/versions.env:
 * PLUXML_VERSION): the languages (directories of core/lang/) and the time zones (the keys of
 * plxTimezones in core/lib/class.plx.timezones.php). test/artifacts/pluxml-lists.test.ts checks both
 * against the archive.
 */
export const PLUXML_LOCALES = ["de", "en", "es", "fr", "it", "nl", "oc", "pl", "pt", "ro", "ru"] as const;

export const PLUXML_TIMEZONES = [
  "Pacific/Midway", "US/Samoa", "US/Hawaii", "US/Alaska", "US/Pacific", "America/Tijuana", "US/Arizona",
  "US/Mountain", "America/Chihuahua", "America/Mazatlan", "America/Mexico_City", "America/Monterrey",
  "Canada/Saskatchewan", "US/Central", "US/Eastern", "US/East-Indiana", "America/Bogota", "America/Lima",
  "America/Caracas", "Canada/Atlantic", "America/La_Paz", "America/Santiago", "Canada/Newfoundland",
  "America/Buenos_Aires", "Greenland", "Atlantic/Stanley", "Atlantic/Azores", "Atlantic/Cape_Verde",
  "Africa/Casablanca", "Europe/Dublin", "Europe/Lisbon", "Europe/London", "Africa/Monrovia", "Europe/Amsterdam",
  "Europe/Belgrade", "Europe/Berlin", "Europe/Bratislava", "Europe/Brussels", "Europe/Budapest",
  "Europe/Copenhagen", "Europe/Ljubljana", "Europe/Madrid", "Europe/Paris", "Europe/Prague", "Europe/Rome",
  "Europe/Sarajevo", "Europe/Skopje", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw", "Europe/Zagreb",
  "Europe/Athens", "Europe/Bucharest", "Africa/Cairo", "Africa/Harare", "Europe/Helsinki", "Europe/Istanbul",
  "Asia/Jerusalem", "Europe/Kiev", "Europe/Minsk", "Europe/Riga", "Europe/Sofia", "Europe/Tallinn",
  "Europe/Vilnius", "Asia/Baghdad", "Asia/Kuwait", "Europe/Moscow", "Africa/Nairobi", "Asia/Riyadh",
  "Europe/Volgograd", "Asia/Tehran", "Asia/Baku", "Asia/Muscat", "Asia/Tbilisi", "Asia/Yerevan", "Asia/Kabul",
  "Asia/Yekaterinburg", "Asia/Karachi", "Asia/Tashkent", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Almaty",
  "Asia/Dhaka", "Asia/Novosibirsk", "Asia/Bangkok", "Asia/Jakarta", "Asia/Krasnoyarsk", "Asia/Chongqing",
  "Asia/Hong_Kong", "Asia/Irkutsk", "Asia/Kuala_Lumpur", "Australia/Perth", "Asia/Singapore", "Asia/Taipei",
  "Asia/Ulaanbaatar", "Asia/Urumqi", "Asia/Seoul", "Asia/Tokyo", "Asia/Yakutsk", "Australia/Adelaide",
  "Australia/Darwin", "Australia/Brisbane", "Australia/Canberra", "Pacific/Guam", "Australia/Hobart",
  "Australia/Melbourne", "Pacific/Port_Moresby", "Australia/Sydney", "Asia/Vladivostok", "Asia/Magadan",
  "Pacific/Auckland", "Pacific/Fiji", "Asia/Kamchatka",
] as const;
