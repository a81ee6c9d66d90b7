package io.softcifar.testsupport;

/**
 * The copy of a test-support class that the system class loader holds. Under a Quarkus test the same class is loaded
 * again by Quarkus' class loader; state that must exist once per JVM (the shared servers, the fault relays) lives in
 * the system loader's copy, and the other copies reach it reflectively.
 */
final class SystemLoaderCopy {

    private SystemLoaderCopy() {}

    /** {@code type} as the system class loader sees it, or {@code type} itself when the system loader cannot see it. */
    static Class<?> of(Class<?> type) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (type.getClassLoader() == system) {
            return type;
        }
        try {
            return Class.forName(type.getName(), true, system);
        } catch (ClassNotFoundException | LinkageError e) {
            return type;
        }
    }
}
