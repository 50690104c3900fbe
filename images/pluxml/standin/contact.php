<?php
/*
 * PluXml STAND-IN for offline tests: NOT PluXml (see README.md).
 * Contact form: GET shows it; POST name/email/message sends it with PHP mail() to env CONTACT_TO
 * (mail() -> /usr/sbin/sendmail = msmtp -> SMTP_HOST:SMTP_PORT, see pluxml-entrypoint).
 */
if (!defined('PLX_ROOT')) {
    define('PLX_ROOT', __DIR__ . '/');
    require PLX_ROOT . 'core/standin.php';
}

function one_line($s) {
    return trim(preg_replace('/[\r\n\t]+/', ' ', (string)$s));
}

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    standin_page('Contact', <<<HTML
<form method="post" action="index.php?contact">
<p><label>Name <input name="name" required></label></p>
<p><label>Email <input name="email" type="email"></label></p>
<p><label>Message <textarea name="message" required></textarea></label></p>
<p><button type="submit">Send</button></p>
</form>
HTML);
    exit;
}

$to = one_line(getenv('CONTACT_TO') ?: '');
$name = one_line($_POST['name'] ?? '');
$email = one_line($_POST['email'] ?? '');
$message = (string)($_POST['message'] ?? '');

if ($to === '') {
    standin_page('Contact', '<p>Mail is not configured (CONTACT_TO is not set).</p>', 500);
    exit;
}
if ($name === '' || trim($message) === '') {
    standin_page('Contact', '<p>Please give your name and a message.</p>', 400);
    exit;
}

$from = one_line(getenv('MAIL_FROM') ?: 'blog@localhost');
$headers = [
    'From' => $from,
    'Content-Type' => 'text/plain; charset=UTF-8',
    'X-Mailer' => 'PluXml stand-in (' . STANDIN_VERSION . ')',
];
if ($email !== '' && filter_var($email, FILTER_VALIDATE_EMAIL)) {
    $headers['Reply-To'] = $email;
}
$subject = '[' . one_line(standin_title()) . '] Contact form: ' . $name;
$body = "Name: $name\nEmail: $email\n\n$message\n";

if (mail($to, $subject, $body, $headers)) {
    standin_page('Contact', '<p>Thank you, your message was sent.</p>');
} else {
    error_log("contact form: mail() to $to failed");
    standin_page('Contact', '<p>Sorry, the message could not be sent.</p>', 500);
}
