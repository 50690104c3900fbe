<?php
/*
 * pluxml-update.php: bring an installed blog's data/ to this image's PluXml release before Apache
 * starts. Run by pluxml-entrypoint as www-data on every start of an installed blog:
 *
 *   setpriv ... php pluxml-update.php
 *
 * PluXml records in data/configuration/parametres.xml (`version`) the release that last wrote
 * data/, and while it differs from the code's PLX_VERSION every page redirects to its web updater
 * (update/index.php, which this image does not serve). So, before the first request:
 *   - the same release: nothing to do;
 *   - data/ is older (the recipe's pluxml.version went up): PluXml's own updater runs, as its
 *     update page would (update/class.plx.updater.php over update/versions.php, kept out of the
 *     docroot in /usr/share/pluxml/update): every update step listed after the data's release,
 *     then the new version is written. A release the updater does not list is refused;
 *   - data/ is newer (the image went back, e.g. recette rollback): PluXml has no way back. Going
 *     back is safe only when no update step changed the data between the two releases, so every
 *     start records in data/.recette-pluxml-format the data format of the release that runs: the
 *     last release of update/versions.php with an update step, at or before it (5.8.7 for 5.8.20
 *     and 5.8.21). When the recorded format is this release's too, the version is set back to this
 *     release; otherwise (or with no record) the start is refused and data/ is left untouched.
 * Exit status: 0 ready, 1 refused or failed (the reason on stderr, data/ unchanged when refused).
 */

const DOCROOT = '/var/www/html';
const SHARE = '/usr/share/pluxml';
const FORMAT_FILE = DOCROOT . '/data/.recette-pluxml-format';

function say($msg) { fwrite(STDERR, "pluxml-update: $msg\n"); }
function fail($msg) { say($msg); exit(1); }

/** The data format of `$release`: the last release at or before it with an update step (versions.php). */
function formatOf(array $versions, $release) {
	$format = '';
	foreach ($versions as $v => $script) {
		$v = (string) $v;
		if ($script !== '' && version_compare($v, $release, '<=') && ($format === '' || version_compare($v, $format, '>'))) $format = $v;
	}
	return $format;
}

function recordFormat($format) {
	$was = is_file(FORMAT_FILE) ? trim((string) file_get_contents(FORMAT_FILE)) : '';
	if ($was !== $format && file_put_contents(FORMAT_FILE, "$format\n") === false) fail('cannot write ' . FORMAT_FILE);
}

// PluXml's code as its updater expects it (PLX_ROOT with update/ beside core/ and data/): a
// temporary root of symlinks, since update/ is kept out of the docroot.
$root = sys_get_temp_dir() . '/recette-pluxml-update-' . getmypid();
if (!mkdir($root, 0700)) fail("cannot create $root");
register_shutdown_function(function () use ($root) {
	foreach (glob("$root/*") as $link) unlink($link);
	rmdir($root);
});
foreach (array('config.php', 'core', 'plugins', 'themes', 'data') as $e) symlink(DOCROOT . "/$e", "$root/$e");
symlink(SHARE . '/update', "$root/update");
chdir($root);

define('PLX_ROOT', './');
define('PLX_CORE', PLX_ROOT . 'core/');
// what update/index.php defines: PluXml's code does not redirect to the updater while it runs
define('PLX_UPDATER', true);
$_SERVER['HTTP_HOST'] = $_SERVER['SERVER_NAME'] = 'localhost';
$_SERVER['SERVER_PORT'] = '80';
$_SERVER['SCRIPT_NAME'] = $_SERVER['REQUEST_URI'] = '/update/index.php';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SESSION = array();
include PLX_ROOT . 'config.php';
include PLX_CORE . 'lib/config.php';
foreach (array('date', 'glob', 'utils', 'msg', 'record', 'motor', 'admin', 'encrypt', 'medias', 'plugins', 'token') as $c) include_once PLX_CORE . "lib/class.plx.$c.php";
include PLX_ROOT . 'update/versions.php';
include PLX_ROOT . 'update/class.plx.updater.php';

$plxAdmin = plxAdmin::getInstance();
$lang = $plxAdmin->aConf['default_lang'];
foreach (array('core', 'admin', 'update') as $l) loadLang(PLX_CORE . "lang/$lang/$l.php");

$data = (string) ($plxAdmin->aConf['version'] ?? '');
$mine = PLX_VERSION;
$format = formatOf($versions, $mine);

if ($data === $mine) {
	recordFormat($format);
	say("data/ is PluXml $mine's (data format $format)");
	exit(0);
}
if ($data === '') fail('data/configuration/parametres.xml records no PluXml version: restore a complete copy of the blog');

if (version_compare($data, $mine, '<')) {
	if (!array_key_exists($data, $versions)) {
		fail("data/ was written by PluXml $data, which PluXml $mine's updater does not list (update/versions.php): "
			. 'upgrade through a release that lists it, or restore a backup');
	}
	$keys = array_map('strval', array_keys($versions));
	$steps = array_keys(array_filter(array_slice($versions, array_search($data, $keys, true) + 1, null, true)));
	say("upgrading data/ from PluXml $data to $mine with PluXml's updater: "
		. ($steps ? 'update steps ' . implode(', ', $steps) : 'no update step (the data format is the same), the version only'));
	$updater = new plxUpdater($versions);
	ob_start();
	$updater->startUpdate($data);
	$out = trim(preg_replace('/\s+/', ' ', html_entity_decode(strip_tags(ob_get_clean()))));
	$plxAdmin->getConfiguration(path('XMLFILE_PARAMETERS'));
	if ((string) ($plxAdmin->aConf['version'] ?? '') !== $mine) fail("PluXml's updater did not finish ($out): restore the backup taken before the upgrade");
	recordFormat($format);
	say("data/ upgraded to PluXml $mine ($out)");
	exit(0);
}

// data/ is newer than this release
$recorded = is_file(FORMAT_FILE) ? trim((string) file_get_contents(FORMAT_FILE)) : '';
if ($recorded === '') {
	fail("data/ was written by PluXml $data, newer than this image's $mine, and does not record its data format: "
		. "PluXml cannot go back. Deploy PluXml $data again, or restore a backup taken before the upgrade (recette restore)");
}
if ($recorded !== $format) {
	fail("data/ was written by PluXml $data, whose data format ($recorded: an update step ran) is newer than PluXml $mine's ($format): "
		. "PluXml cannot go back. Deploy PluXml $data again, or restore a backup taken before the upgrade (recette restore)");
}
if (!$plxAdmin->editConfiguration($plxAdmin->aConf, array('version' => $mine))) fail('cannot write data/configuration/parametres.xml');
say("data/ was written by PluXml $data, with the same data format as $mine ($format: no update step between them): set back to PluXml $mine");
exit(0);
