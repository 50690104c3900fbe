<?php
/*
 * PluXml STAND-IN for offline tests: NOT PluXml (see README.md). Same entry point and data/
 * layout as PluXml; shows the title and the articles in data/articles/, and the contact form
 * at index.php?contact.
 */
define('PLX_ROOT', __DIR__ . '/');
require PLX_ROOT . 'core/standin.php';

if (isset($_GET['contact'])) {
    require PLX_ROOT . 'contact.php';
    exit;
}

$items = '';
foreach (glob(PLX_ROOT . 'data/articles/*.xml') ?: [] as $file) {
    $xml = @simplexml_load_file($file);
    $name = ($xml !== false && isset($xml->title)) ? (string)$xml->title : basename($file, '.xml');
    $items .= '<li>' . h($name) . "</li>\n";
}
$body = "<p>PluXml stand-in is running.</p>\n";
$body .= $items === '' ? "<p>No article yet.</p>\n" : "<ul>\n$items</ul>\n";
standin_page('Articles', $body);
