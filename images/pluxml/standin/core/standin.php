<?php
/*
 * PluXml STAND-IN for offline tests: NOT PluXml. See README.md beside this directory.
 * Shared helpers of index.php and contact.php.
 */
const STANDIN_VERSION = 'recette-standin-1';

function standin_title() {
    $t = getenv('BLOG_TITLE');
    return ($t === false || $t === '') ? 'Recette blog' : $t;
}

function h($s) {
    return htmlspecialchars((string)$s, ENT_QUOTES, 'UTF-8');
}

function standin_page($heading, $body, $status = 200) {
    http_response_code($status);
    header('Content-Type: text/html; charset=utf-8');
    header('X-Blog-Engine: PluXml stand-in');
    $title = h(standin_title());
    echo "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>$title</title></head>\n<body>\n";
    echo "<header><h1>$title</h1><p><small>PluXml stand-in (offline test image, not PluXml)</small></p>";
    echo "<nav><a href=\"./\">Home</a> | <a href=\"./index.php?contact\">Contact</a></nav></header>\n";
    echo '<main><h2>' . h($heading) . "</h2>\n$body\n</main>\n</body>\n</html>\n";
}
