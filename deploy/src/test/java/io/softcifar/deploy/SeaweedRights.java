package io.softcifar.deploy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * SeaweedFS's decision for an identity of the static identities file ({@code -s3.config}, legacy actions, no IAM
 * policies), re-derived for these tests from reading {@code Identity.CanDo} and {@code authRequestWithAuthType} in
 * {@code weed/s3api/auth_credentials.go} (tag 4.44, the newest in the local mirror; the deployment runs 4.48):
 * <ul>
 * <li>{@code Admin} (unscoped) allows everything; an unscoped verb ({@code Read}) allows that verb everywhere;</li>
 * <li>a scoped action without {@code *} or {@code ?} is compared with {@code Verb:bucket}, so it allows the verb on
 * the whole bucket, whatever the key;</li>
 * <li>an action with {@code *} or {@code ?} is a glob over the whole of {@code Verb:bucket/key} ({@code Verb:bucket}
 * when the request names no key, e.g. HeadBucket), {@code *} any run of characters including {@code /}, {@code ?}
 * one character; {@code Admin:…} globs are tried as well;</li>
 * <li>a listing is checked with its prefix as the key.</li>
 * </ul>
 */
final class SeaweedRights {

    private SeaweedRights() {}

    static boolean allows(List<String> actions, String verb, String bucket, String key) {
        if (actions.contains("Admin") || actions.contains(verb)) {
            return true;
        }
        String path = key.isEmpty() ? bucket : bucket + "/" + key;
        for (String action : actions) {
            if (action.contains("*") || action.contains("?")) {
                if (glob(action).matcher(verb + ":" + path).matches()
                        || glob(action).matcher("Admin:" + path).matches()) {
                    return true;
                }
            } else if (action.equals(verb + ":" + bucket) || action.equals("Admin:" + bucket)) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
