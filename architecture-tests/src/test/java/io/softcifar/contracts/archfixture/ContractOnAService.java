package io.softcifar.contracts.archfixture;

import io.softcifar.results.service.StudyValidationException;

/** Deliberately wrong, for ModuleBoundariesTest: a shared module's class that uses a service's class. */
public class ContractOnAService {
    StudyValidationException leaked;
}
