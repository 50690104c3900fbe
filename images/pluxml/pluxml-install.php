<?php
/*
 * pluxml-install.php: install PluXml from the recipe's settings, on first start, the way a person
 * filling PluXml's install form would. Run by pluxml-entrypoint as www-data, the admin password on
 * stdin (never in argv or the environment):
 *
 *   setpriv ... php pluxml-install.php < /run/secrets/admin-password
 *
 * Settings (environment): PLUXML_TITLE (site title), PLUXML_LOCALE (PluXml language code: a
 * directory of core/lang/), PLUXML_TIMEZONE (a key of PluXml's plxTimezones list),
 * PLUXML_ADMIN_NAME, PLUXML_ADMIN_LOGIN, PLUXML_ADMIN_EMAIL, PLUXML_SAMPLE_CONTENT (1: PluXml's
 * sample article, page and comment, as its form's "install sample data"; 0: none).
 *
 * What it does:
 *   - nothing when data/configuration/parametres.xml exists: an installed blog is never reinstalled;
 *   - refuses (exit 1) when data/ holds other files of a blog without that file (a partial copy, a
 *     foreign volume): nothing is overwritten;
 *   - otherwise runs PluXml's own install.php (kept out of the docroot, /usr/share/pluxml/) with
 *     the form's fields, in a staging root inside data/ (data/.recette-install/root: symlinks to the
 *     code, a data/ skeleton), so that its XML files, its password hashing (sha1(salt.md5(pwd)),
 *     a 10-character salt) and its sample content are PluXml's own; then sets the site title with
 *     PluXml's plxAdmin::editConfiguration (what the admin's settings page does; install.php
 *     always writes "PluXml"); then moves the files into data/, parametres.xml last. A start
 *     interrupted during the move finishes it; one interrupted before starts over.
 * Exit status: 0 installed or already installed, 1 refused or failed (the reason on stderr).
 * Internal modes (child processes, so that install.php's exit and globals stay its own):
 *   --form ROOT   run install.php in ROOT with the settings, password on stdin
 *   --title ROOT  set the title in ROOT's parametres.xml through plxAdmin
 */

const DOCROOT = '/var/www/html';
const DATA = DOCROOT . '/data';
const SHARE = '/usr/share/pluxml';
const STAGE = DATA . '/.recette-install';
const PARAMS = 'configuration/parametres.xml';

function say($msg) { fwrite(STDERR, "pluxml-install: $msg\n"); }
function fail($msg) { say($msg); exit(1); }
function setting($key) {
	$v = getenv($key);
	return $v === false ? '' : $v;
}

/** The form's fields; checked (as strictly as the form, and more: no silent fallback) by the main process. */
function settings($check = true) {
	$s = array(
		'title' => setting('PLUXML_TITLE'),
		'locale' => setting('PLUXML_LOCALE'),
		'timezone' => setting('PLUXML_TIMEZONE'),
		'name' => setting('PLUXML_ADMIN_NAME'),
		'login' => setting('PLUXML_ADMIN_LOGIN'),
		'email' => setting('PLUXML_ADMIN_EMAIL'),
		'sample' => setting('PLUXML_SAMPLE_CONTENT') === '' ? '1' : setting('PLUXML_SAMPLE_CONTENT'),
	);
	if (!$check) return $s;
	$problems = array();
	foreach (array('title' => 'PLUXML_TITLE', 'name' => 'PLUXML_ADMIN_NAME', 'login' => 'PLUXML_ADMIN_LOGIN', 'email' => 'PLUXML_ADMIN_EMAIL') as $k => $env) {
		if (trim($s[$k]) === '') $problems[] = "$env is empty";
		// install.php writes these into XML CDATA sections as they are
		elseif (strpos($s[$k], ']]>') !== false || preg_match('/[\x00-\x1f\x7f]/', $s[$k])) $problems[] = "$env holds ]]> or a control character";
	}
	if ($s['email'] !== '' && !filter_var($s['email'], FILTER_VALIDATE_EMAIL)) $problems[] = "PLUXML_ADMIN_EMAIL is not an e-mail address";
	$langs = array_map('basename', glob(DOCROOT . '/core/lang/*', GLOB_ONLYDIR));
	if (!in_array($s['locale'], $langs, true)) $problems[] = 'PLUXML_LOCALE must be one of ' . implode(', ', $langs) . ' (got "' . $s['locale'] . '")';
	include DOCROOT . '/core/lib/class.plx.timezones.php';
	if (!array_key_exists($s['timezone'], plxTimezones::timezones())) $problems[] = 'PLUXML_TIMEZONE "' . $s['timezone'] . '" is not in PluXml\'s list (core/lib/class.plx.timezones.php)';
	if (!in_array($s['sample'], array('0', '1'), true)) $problems[] = 'PLUXML_SAMPLE_CONTENT must be 0 or 1';
	if ($problems) fail('refusing to install: ' . implode('; ', $problems));
	return $s;
}

/** The password from stdin: one trailing newline is the file's, anything else is the password's. */
function password() {
	$p = stream_get_contents(STDIN);
	$p = preg_replace('/\r?\n\z/', '', $p === false ? '' : $p);
	if ($p === '') fail('refusing to install: the admin password is empty');
	// install.php hashes trim(pwd) but the login page hashes the password as typed: such a
	// password could never log in.
	if (trim($p) !== $p) fail('refusing to install: the admin password starts or ends with white space');
	return $p;
}

function rmtree($path) {
	if (is_link($path) || is_file($path)) return unlink($path);
	if (!is_dir($path)) return true;
	foreach (scandir($path) as $e) if ($e !== '.' && $e !== '..') rmtree("$path/$e");
	return rmdir($path);
}

function copytree($from, $to) {
	if (!is_dir($to) && !mkdir($to, 0755, true)) fail("cannot create $to");
	foreach (scandir($from) as $e) {
		if ($e === '.' || $e === '..') continue;
		if (is_dir("$from/$e")) copytree("$from/$e", "$to/$e");
		elseif (!copy("$from/$e", "$to/$e")) fail("cannot copy $from/$e");
	}
}

/** Files of data/ (relative paths), not counting the staging area, PluXml's own .htaccess/index.html and lost+found. */
function blogFiles($dir, $rel = '') {
	$out = array();
	foreach (@scandir("$dir/$rel") ?: array() as $e) {
		if ($e === '.' || $e === '..' || ($rel === '' && in_array($e, array('.recette-install', '.recette-install.lock', 'lost+found'), true))) continue;
		$path = $rel === '' ? $e : "$rel/$e";
		if (is_dir("$dir/$path")) $out = array_merge($out, blogFiles($dir, $path));
		elseif (!in_array($e, array('.htaccess', 'index.html'), true)) $out[] = $path;
	}
	return $out;
}

/** Every directory and file under $dir (relative paths), each directory before what it holds. */
function allPaths($dir, $rel = '') {
	$out = array();
	foreach (scandir("$dir/$rel") as $e) {
		if ($e === '.' || $e === '..') continue;
		$path = $rel === '' ? $e : "$rel/$e";
		$out[] = $path;
		if (is_dir("$dir/$path")) $out = array_merge($out, allPaths($dir, $path));
	}
	return $out;
}

/** Runs this script in a child mode; returns [exit status, stdout]. */
function child($mode, $root, $stdin = '') {
	$p = proc_open(array(PHP_BINARY, __FILE__, $mode, $root), array(0 => array('pipe', 'r'), 1 => array('pipe', 'w'), 2 => STDERR), $pipes, $root);
	if (!is_resource($p)) fail("cannot run $mode");
	fwrite($pipes[0], $stdin);
	fclose($pipes[0]);
	$out = stream_get_contents($pipes[1]);
	fclose($pipes[1]);
	return array(proc_close($p), $out);
}

/** Moves the staged data/ into the live one, parametres.xml last (the blog exists once it is there). */
function publish() {
	$from = STAGE . '/root/data';
	foreach (allPaths($from) as $f) {
		if ($f === PARAMS) continue;
		if (is_dir("$from/$f")) {
			// install.php's empty directories too (configuration/plugins, templates)
			if (!is_dir(DATA . "/$f") && !mkdir(DATA . "/$f", 0755)) fail("cannot create data/$f");
		} elseif (!rename("$from/$f", DATA . "/$f")) fail("cannot move $f into data/");
	}
	if (!rename("$from/" . PARAMS, DATA . '/' . PARAMS)) fail('cannot move ' . PARAMS . ' into data/');
	rmtree(STAGE);
}

// --- child: PluXml's install.php, as if its form were posted -------------------------------
if (($argv[1] ?? '') === '--form') {
	$s = settings(false);
	chdir($argv[2]);
	$pwd = stream_get_contents(STDIN);
	ini_set('session.save_path', sys_get_temp_dir());
	$_SERVER['REQUEST_METHOD'] = 'POST';
	$_SERVER['SERVER_NAME'] = $_SERVER['HTTP_HOST'] = 'localhost';
	$_POST = array(
		'install' => '1',
		'default_lang' => $s['locale'],
		'data' => $s['sample'],
		'name' => $s['name'],
		'login' => $s['login'],
		'pwd' => $pwd,
		'pwd2' => $pwd,
		'email' => $s['email'],
		'timezone' => $s['timezone'],
	);
	unset($pwd);
	// install.php exits after install(); its form (with the error in <div class="alert red">) otherwise.
	include SHARE . '/install.php';
	exit(0);
}

// --- child: the site title, through PluXml's admin code -------------------------------------
if (($argv[1] ?? '') === '--title') {
	$s = settings(false);
	chdir($argv[2]);
	define('PLX_ROOT', './');
	define('PLX_CORE', PLX_ROOT . 'core/');
	// class.plx.admin.php defines PLX_ADMIN (the admin's view of the site) when included
	$_SERVER['HTTP_HOST'] = $_SERVER['SERVER_NAME'] = 'localhost';
	$_SERVER['SERVER_PORT'] = '80';
	$_SERVER['SCRIPT_NAME'] = $_SERVER['REQUEST_URI'] = '/core/admin/parametres_base.php';
	$_SERVER['REQUEST_METHOD'] = 'POST';
	$_SESSION = array();
	include PLX_ROOT . 'config.php';
	include PLX_CORE . 'lib/config.php';
	foreach (array('date', 'glob', 'utils', 'msg', 'record', 'motor', 'admin', 'encrypt', 'medias', 'plugins', 'token') as $c) include_once PLX_CORE . "lib/class.plx.$c.php";
	$plxAdmin = plxAdmin::getInstance();
	loadLang(PLX_CORE . 'lang/' . $plxAdmin->aConf['default_lang'] . '/admin.php');
	loadLang(PLX_CORE . 'lang/' . $plxAdmin->aConf['default_lang'] . '/core.php');
	exit($plxAdmin->editConfiguration($plxAdmin->aConf, array('title' => $s['title'])) ? 0 : 1);
}

// --- main ------------------------------------------------------------------------------------
umask(022);
if (!is_dir(DATA) || !is_writable(DATA)) fail(DATA . ' is missing or not writable by ' . posix_getpwuid(posix_geteuid())['name']);
$lock = fopen(DATA . '/.recette-install.lock', 'c');
if (!$lock || !flock($lock, LOCK_EX)) fail('cannot lock ' . DATA . '/.recette-install.lock');

if (file_exists(DATA . '/' . PARAMS)) {
	if (file_exists(STAGE)) rmtree(STAGE);
	say('PluXml is already installed in data/: nothing to do');
	exit(0);
}
if (file_exists(STAGE . '/complete')) {
	say('finishing an installation interrupted while moving its files into data/');
	publish();
	say('installed');
	exit(0);
}
if (file_exists(STAGE)) rmtree(STAGE);
$foreign = blogFiles(DATA);
if ($foreign) {
	fail('refusing to install: data/ holds ' . count($foreign) . ' file(s) (e.g. ' . implode(', ', array_slice($foreign, 0, 3)) . ') but no ' . PARAMS
		. ': restore a complete copy of the blog, or empty the volume to install a new one');
}

$s = settings();
$password = password();
$root = STAGE . '/root';
if (!mkdir($root, 0755, true)) fail("cannot create $root");
foreach (array('config.php', 'core', 'plugins', 'themes') as $e) symlink(DOCROOT . "/$e", "$root/$e");
copytree(SHARE . '/data-skeleton', "$root/data");

say("installing PluXml: title \"{$s['title']}\", locale {$s['locale']}, timezone {$s['timezone']}, admin {$s['login']} <{$s['email']}>, sample content " . ($s['sample'] === '1' ? 'yes' : 'no'));
list($rc, $out) = child('--form', $root, $password);
unset($password);
if ($rc !== 0 || !file_exists("$root/data/" . PARAMS) || !file_exists("$root/data/configuration/users.xml")) {
	$why = preg_match('#<div class="alert red">(.*?)</div>#s', $out, $m) ? html_entity_decode(strip_tags($m[1])) : trim(strip_tags($out));
	fail("PluXml's install.php did not install (exit $rc): " . substr($why, 0, 500));
}
list($rc) = child('--title', $root);
if ($rc !== 0) fail('setting the site title through plxAdmin::editConfiguration failed');
touch(STAGE . '/complete');
publish();
say('installed');
